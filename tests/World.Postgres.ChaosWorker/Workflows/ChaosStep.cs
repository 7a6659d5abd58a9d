using World.Runtime;

namespace World.Postgres.ChaosWorker.Workflows;

/// <summary>The body of every chaos step: journal the start, work for a while (cancellable), journal the end.</summary>
public static class ChaosStep
{
    /// <summary>
    /// Step attempts are not what these tests exercise: a generous budget keeps a step that is interrupted by faults
    /// many times from failing the run, so only the delivery budget and the faults themselves decide outcomes.
    /// </summary>
    public static StepOptions Options { get; } = new() { MaxAttempts = 50 };

    /// <summary>Works for <paramref name="milliseconds"/>, honouring the step's cancellation (a lost lease, a shutdown).</summary>
    public static async Task<int> RunAsync(ChaosJournal journal, StepContext step, int milliseconds)
    {
        journal.StepStarted(step);
        try
        {
            await Task.Delay(milliseconds, step.CancellationToken);
        }
        catch (OperationCanceledException)
        {
            journal.StepEnded(step, "cancelled");
            throw;
        }

        journal.StepEnded(step, "ok");
        return step.Attempt;
    }

    /// <summary>The four steps of the load workflows: three short ones around one whose length the test chooses.</summary>
    public static async Task<int> RunFourStepsAsync(IWorkflowContext context, ChaosJournal journal, int slowMilliseconds)
    {
        var attempts = await context.StepAsync("first", step => RunAsync(journal, step, 20), Options);
        attempts += await context.StepAsync("second", step => RunAsync(journal, step, 20), Options);
        attempts += await context.StepAsync("slow", step => RunAsync(journal, step, slowMilliseconds), Options);
        attempts += await context.StepAsync("last", step => RunAsync(journal, step, 20), Options);
        return attempts;
    }
}
