using World.Runtime;

namespace World.Testing.Workflows;

/// <summary>Runs a step, sleeps, and on replay asks for a differently named step once the probe is flipped.</summary>
[Workflow("diverging")]
public sealed class DivergingWorkflow(WorkflowProbe probe) : IWorkflow<int, int>
{
    /// <inheritdoc />
    public async Task<int> RunAsync(IWorkflowContext context, int input)
    {
        var name = probe.Flipped ? "renamed" : "original";
        await context.StepAsync(name, _ => Task.FromResult(input));
        await context.SleepAsync(TimeSpan.FromMinutes(1));
        return input;
    }
}
