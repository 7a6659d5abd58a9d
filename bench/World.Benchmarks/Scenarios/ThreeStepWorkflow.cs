using World.Runtime;

namespace World.Benchmarks.Scenarios;

/// <summary>Three empty steps in sequence: what remains is the runtime's and the World's cost per step.</summary>
[Workflow("bench-three-steps")]
internal sealed class ThreeStepWorkflow(StepTimings timings) : IWorkflow<int, int>
{
    public const int Steps = 3;

    public async Task<int> RunAsync(IWorkflowContext context, int input)
    {
        var total = input;
        for (var step = 0; step < Steps; step++)
        {
            var index = step;
            total += await context.StepAsync($"step-{index}", s =>
            {
                timings.Started(s.RunId, index);
                timings.Ended(s.RunId, index);
                return Task.FromResult(1);
            });
        }

        return total;
    }
}
