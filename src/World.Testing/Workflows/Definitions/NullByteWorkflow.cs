using World.Runtime;

namespace World.Testing.Workflows;

/// <summary>A step returns a string with a NUL character.</summary>
[Workflow("null-byte")]
public sealed class NullByteWorkflow : IWorkflow<string, string>
{
    /// <inheritdoc />
    public Task<string> RunAsync(IWorkflowContext context, string input) =>
        context.StepAsync("nul", _ => Task.FromResult("null byte \0" + input));
}
