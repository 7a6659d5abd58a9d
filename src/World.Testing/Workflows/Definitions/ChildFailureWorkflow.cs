using World.Runtime;

namespace World.Testing.Workflows;

/// <summary>Starts a <see cref="FailingStepWorkflow"/> child and reports the child's failure it caught.</summary>
[Workflow("child-failure")]
public sealed class ChildFailureWorkflow : IWorkflow<int, string>
{
    /// <inheritdoc />
    public async Task<string> RunAsync(IWorkflowContext context, int input)
    {
        var child = await context.StartChildAsync<FailingStepWorkflow, int, int>(input);
        try
        {
            await child.GetResultAsync();
            return "child completed";
        }
        catch (ChildWorkflowFailedException failed)
        {
            return $"{failed.Error.Code}:{failed.ChildRunId == child.RunId}";
        }
    }
}
