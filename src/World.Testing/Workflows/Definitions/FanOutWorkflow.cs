using World.Runtime;

namespace World.Testing.Workflows;

/// <summary>Fans out <c>first</c> parallel steps, awaits them, then <c>second</c> more; returns every step's result.</summary>
[Workflow("fan-out")]
public sealed class FanOutWorkflow(WorkflowProbe probe) : IWorkflow<int[], int[]>
{
    /// <inheritdoc />
    public async Task<int[]> RunAsync(IWorkflowContext context, int[] input)
    {
        var first = await Task.WhenAll(Enumerable.Range(0, input[0]).Select(i => Noop(context, i)));
        var second = await Task.WhenAll(Enumerable.Range(input[0], input[1]).Select(i => Noop(context, i)));
        return [.. first, .. second];
    }

    private Task<int> Noop(IWorkflowContext context, int index) =>
        context.StepAsync("noop", index, (i, step) => Task.FromResult(probe.Executed($"{step.RunId}/noop/{i}")));
}
