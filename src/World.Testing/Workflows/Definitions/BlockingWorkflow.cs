using World.Runtime;

namespace World.Testing.Workflows;

/// <summary>
/// Blocks on a step's task instead of awaiting it: the step can only complete when the workflow yields, so the
/// workflow deadlocks, as real code calling <c>.Result</c> on a workflow operation does.
/// </summary>
[Workflow("blocking")]
public sealed class BlockingWorkflow : IWorkflow<int, int>
{
    /// <inheritdoc />
    public Task<int> RunAsync(IWorkflowContext context, int input)
    {
#pragma warning disable VSTHRD002, CA1849 // The deadlock is the point of this workflow.
        var value = context.StepAsync("never-awaited", _ => Task.FromResult(input)).Result;
#pragma warning restore VSTHRD002, CA1849
        return Task.FromResult(value);
    }
}
