using World.Runtime;

namespace World.Testing.Workflows;

/// <summary>Runs a step and sleeps; once the probe is flipped, its code throws right after the step instead.</summary>
[Workflow("throwing-on-replay")]
public sealed class ThrowingOnReplayWorkflow(WorkflowProbe probe) : IWorkflow<int, int>
{
    /// <inheritdoc />
    public async Task<int> RunAsync(IWorkflowContext context, int input)
    {
        await context.StepAsync("first", _ => Task.FromResult(input));
        if (probe.Flipped)
        {
            throw new InvalidOperationException($"The new code refuses input {input}.");
        }

        await context.SleepAsync(TimeSpan.FromMinutes(1));
        return input;
    }
}
