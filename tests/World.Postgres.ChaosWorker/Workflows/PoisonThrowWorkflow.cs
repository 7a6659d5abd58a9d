using World.Runtime;

namespace World.Postgres.ChaosWorker.Workflows;

/// <summary>
/// Poison: workflow code that throws on the workflow's scheduler (an <c>async void</c> helper, as an event handler
/// would be) on every invocation, so the exception escapes the workflow's task and fails the invocation itself rather
/// than the run. The queue retries it; once the delivery budget is spent the run must end failed with
/// <c>MAX_DELIVERIES_EXCEEDED</c>, and the worker must survive every delivery.
/// </summary>
[Workflow("chaos-poison-throw")]
public sealed class PoisonThrowWorkflow(ChaosJournal journal) : IWorkflow<int, int>
{
    public async Task<int> RunAsync(IWorkflowContext context, int input)
    {
        var attempts = await context.StepAsync("before-throw", step => ChaosStep.RunAsync(journal, step, input), ChaosStep.Options);
        ThrowOnTheScheduler();
        return attempts + await context.StepAsync("never-reached", step => ChaosStep.RunAsync(journal, step, input), ChaosStep.Options);
    }

#pragma warning disable VSTHRD100, CA1849 // The point of this poison: an async void method whose exception escapes to the scheduler.
    private static async void ThrowOnTheScheduler()
    {
        await Task.Yield();
        throw new InvalidOperationException("chaos: poison thrown on the workflow scheduler");
    }
#pragma warning restore VSTHRD100, CA1849
}
