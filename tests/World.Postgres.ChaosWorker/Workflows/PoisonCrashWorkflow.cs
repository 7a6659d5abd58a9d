using World.Runtime;

namespace World.Postgres.ChaosWorker.Workflows;

/// <summary>
/// Poison: a step that crashes its worker process (<see cref="Environment.FailFast(string)"/>) on every attempt, after
/// working for the input's milliseconds, so other runs claimed alongside it have time to finish first. Every delivery
/// kills a worker; the run must end failed with <c>MAX_DELIVERIES_EXCEEDED</c> once its delivery budget is spent.
/// </summary>
[Workflow("chaos-poison-crash")]
public sealed class PoisonCrashWorkflow(ChaosJournal journal) : IWorkflow<int, int>
{
    public Task<int> RunAsync(IWorkflowContext context, int input) =>
        context.StepAsync("crash", async step =>
        {
            journal.StepStarted(step);
            await Task.Delay(input, step.CancellationToken);
            journal.Crashing();
            Environment.FailFast("chaos: the poison workflow crashes its worker on purpose");
            return 0;
        }, ChaosStep.Options);
}
