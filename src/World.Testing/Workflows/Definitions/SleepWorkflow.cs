using World.Runtime;

namespace World.Testing.Workflows;

/// <summary>Sleeps for the given number of seconds, then runs one step.</summary>
[Workflow("sleep")]
public sealed class SleepWorkflow(WorkflowProbe probe) : IWorkflow<double, string>
{
    /// <inheritdoc />
    public async Task<string> RunAsync(IWorkflowContext context, double input)
    {
        await context.SleepAsync(TimeSpan.FromSeconds(input));
        return await context.StepAsync("after-sleep", step =>
        {
            probe.Executed($"{step.RunId}/after-sleep");
            return Task.FromResult("woke");
        });
    }
}
