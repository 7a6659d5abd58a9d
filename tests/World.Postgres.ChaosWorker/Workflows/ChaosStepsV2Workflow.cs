using World.Runtime;

namespace World.Postgres.ChaosWorker.Workflows;

/// <summary>
/// A workflow that only the newer code version knows (rolling deploy): the same steps as <see cref="ChaosStepsWorkflow"/>
/// under another name.
/// </summary>
[Workflow("chaos-steps-v2")]
public sealed class ChaosStepsV2Workflow(ChaosJournal journal) : IWorkflow<int, int>
{
    public Task<int> RunAsync(IWorkflowContext context, int input) => ChaosStep.RunFourStepsAsync(context, journal, input);
}
