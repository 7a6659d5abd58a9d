using World.Runtime;

namespace World.Postgres.ChaosWorker.Workflows;

/// <summary>The load of every scenario: four journaled steps, the third as long as the input says (milliseconds).</summary>
[Workflow("chaos-steps")]
public sealed class ChaosStepsWorkflow(ChaosJournal journal) : IWorkflow<int, int>
{
    public Task<int> RunAsync(IWorkflowContext context, int input) => ChaosStep.RunFourStepsAsync(context, journal, input);
}
