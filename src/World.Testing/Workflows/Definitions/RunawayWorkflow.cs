using World.Runtime;

namespace World.Testing.Workflows;

/// <summary>Runs steps forever: only the event ceiling stops it.</summary>
[Workflow("runaway")]
public sealed class RunawayWorkflow : IWorkflow<int, int>
{
    /// <inheritdoc />
    public async Task<int> RunAsync(IWorkflowContext context, int input)
    {
        var total = input;
        while (true)
        {
            total += await context.StepAsync("again", _ => Task.FromResult(1));
        }
    }
}
