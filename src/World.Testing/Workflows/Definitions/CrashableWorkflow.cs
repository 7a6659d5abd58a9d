using World.Runtime;

namespace World.Testing.Workflows;

/// <summary>
/// Step 1, then a step that stalls forever on its first attempt when the input says so (a worker process is
/// killed there), then step 3. A survivor worker re-runs the stalled step as attempt 2 and finishes.
/// </summary>
[Workflow("crashable")]
public sealed class CrashableWorkflow(WorkflowProbe probe) : IWorkflow<bool, int[]>
{
    /// <inheritdoc />
    public async Task<int[]> RunAsync(IWorkflowContext context, bool input)
    {
        var first = await context.StepAsync("before-crash", step => Task.FromResult(probe.Executed($"{step.RunId}/before-crash")));
        var second = await context.StepAsync("crash-here", async step =>
        {
            probe.Executed($"{step.RunId}/crash-here");
            if (input && step.Attempt == 1)
            {
                await Task.Delay(Timeout.Infinite, step.CancellationToken);
            }

            return step.Attempt;
        });
        var third = await context.StepAsync("after-crash", step => Task.FromResult(probe.Executed($"{step.RunId}/after-crash")));
        return [first, second, third];
    }
}
