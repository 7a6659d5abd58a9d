using World.Runtime;

namespace World.Testing.Workflows;

/// <summary>Starts an <see cref="UnregisteredWorkflow"/> child and reports how the child's failure reached it.</summary>
[Workflow("unregistered-child")]
public sealed class UnregisteredChildWorkflow : IWorkflow<int, string>
{
    /// <inheritdoc />
    public async Task<string> RunAsync(IWorkflowContext context, int input)
    {
        var child = await context.StartChildAsync<UnregisteredWorkflow, int, int>(input);
        try
        {
            await child.GetResultAsync();
            return "child completed";
        }
        catch (ChildWorkflowFailedException failed)
        {
            return failed.Error.Message;
        }
    }
}
