using World.Runtime;

namespace World.Testing.Workflows;

/// <summary>
/// Creates a hook, then runs a step that waits for the test's <c>release</c> signal, then a second step. Used to
/// cancel the run while the first step is in flight.
/// </summary>
[Workflow("cancellable")]
public sealed class CancellableWorkflow(WorkflowProbe probe) : IWorkflow<string, string>
{
    /// <inheritdoc />
    public async Task<string> RunAsync(IWorkflowContext context, string input)
    {
        await context.CreateHookAsync<string>(new HookOptions { Token = input });
        await context.StepAsync("in-flight", async step =>
        {
            probe.Executed($"{step.RunId}/in-flight");
            probe.Signal($"{step.RunId}/in-flight-started").TrySetResult();
            await probe.Signal($"{step.RunId}/release").Task.WaitAsync(step.CancellationToken);
        });
        await context.StepAsync("after-cancel", step =>
        {
            probe.Executed($"{step.RunId}/after-cancel");
            return Task.CompletedTask;
        });
        return "not cancelled";
    }
}
