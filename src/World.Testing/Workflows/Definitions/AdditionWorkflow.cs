using World.Runtime;

namespace World.Testing.Workflows;

/// <summary>One step: adds two numbers.</summary>
[Workflow("addition")]
public sealed class AdditionWorkflow(WorkflowProbe probe) : IWorkflow<int[], int>
{
    /// <inheritdoc />
    public Task<int> RunAsync(IWorkflowContext context, int[] input) =>
        context.StepAsync("add", input, (numbers, step) =>
        {
            probe.Executed($"{step.RunId}/add");
            return Task.FromResult(numbers.Sum());
        });
}
