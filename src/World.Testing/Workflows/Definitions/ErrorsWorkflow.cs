using World.Runtime;

namespace World.Testing.Workflows;

/// <summary>
/// Step 1 throws <see cref="RetryStepException"/> with the given retry-after (seconds) on its first attempt and returns
/// its attempt number on the second; step 2 throws <see cref="NonRetryableStepException"/>, which the workflow catches.
/// </summary>
[Workflow("retryable-and-fatal")]
public sealed class ErrorsWorkflow(WorkflowProbe probe) : IWorkflow<int, ErrorsResult>
{
    /// <inheritdoc />
    public async Task<ErrorsResult> RunAsync(IWorkflowContext context, int input)
    {
        var attempt = await context.StepAsync("flaky", step =>
        {
            probe.Executed($"{step.RunId}/flaky");
            return step.Attempt == 1
                ? throw new RetryStepException("not yet", TimeSpan.FromSeconds(input))
                : Task.FromResult(step.Attempt);
        });

        try
        {
            await context.StepAsync<int>("doomed", step =>
            {
                probe.Executed($"{step.RunId}/doomed");
                throw new NonRetryableStepException("card declined");
            });
            return new ErrorsResult(false, null, attempt);
        }
        catch (NonRetryableStepException fatal)
        {
            return new ErrorsResult(true, fatal.Message, attempt);
        }
    }
}
