using World.Runtime;

namespace World.Testing.Workflows;

/// <summary>A step that always throws, with 2 attempts; the workflow does not catch, so the run fails.</summary>
[Workflow("failing-step")]
public sealed class FailingStepWorkflow(WorkflowProbe probe) : IWorkflow<int, int>
{
    /// <inheritdoc />
    public Task<int> RunAsync(IWorkflowContext context, int input) =>
        context.StepAsync<int>(
            "always-fails",
            step =>
            {
                probe.Executed($"{step.RunId}/always-fails");
                throw new InvalidOperationException($"attempt {step.Attempt} failed");
            },
            new StepOptions { MaxAttempts = 2, Backoff = new World.RetryBackoff { Initial = TimeSpan.FromSeconds(1), Jitter = 0 } });
}
