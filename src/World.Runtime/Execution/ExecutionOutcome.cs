namespace World.Runtime.Execution;

/// <summary>How an invocation left its run.</summary>
/// <param name="Ended">The run is terminal (by this invocation or another writer).</param>
/// <param name="WakeAt">For a suspended run: when a sleep or retry is due; null when only outside events can wake it.</param>
internal sealed record ExecutionOutcome(bool Ended, DateTimeOffset? WakeAt)
{
    public static ExecutionOutcome Finished { get; } = new(Ended: true, WakeAt: null);

    public static ExecutionOutcome Suspended(DateTimeOffset? wakeAt) => new(Ended: false, wakeAt);
}
