using World.Runtime;

namespace World.Benchmarks.Scenarios;

/// <summary>
/// Three steps of mixed durations (0, 5 and 50 ms, rotated by the input's seed), so that invocations overlap,
/// heartbeats run, and a fault finds steps in flight.
/// </summary>
[Workflow("bench-soak")]
internal sealed class SoakWorkflow(StepLedger ledger) : IWorkflow<SoakInput, int>
{
    public const int Steps = 3;

    public static readonly TimeSpan[] StepDurations = [TimeSpan.Zero, TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(50)];

    public async Task<int> RunAsync(IWorkflowContext context, SoakInput input)
    {
        var total = input.Blob?.Length ?? 0;
        for (var step = 0; step < Steps; step++)
        {
            var index = step;
            var duration = StepDurations[(input.Seed + index) % StepDurations.Length];
            total += await context.StepAsync($"step-{index}", async s =>
            {
                ledger.StepRan(s.RunId, index, last: index == Steps - 1);
                if (duration > TimeSpan.Zero)
                {
                    await Task.Delay(duration, s.CancellationToken).ConfigureAwait(false);
                }

                return 1;
            });
        }

        return total;
    }
}
