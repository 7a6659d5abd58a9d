using World.Runtime;

namespace World.Testing.Workflows;

/// <summary>A workflow the kit's runtime deliberately does not register: its runs fail with <c>RUNTIME_ERROR</c>.</summary>
[Workflow("never-registered")]
public sealed class UnregisteredWorkflow : IWorkflow<int, int>
{
    /// <inheritdoc />
    public Task<int> RunAsync(IWorkflowContext context, int input) => Task.FromResult(input);
}
