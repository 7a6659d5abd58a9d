namespace World.Runtime.Execution;

/// <summary>What an invocation can do now: ordered instant writes, then steps in parallel; or when to wake up.</summary>
internal sealed class ExecutionRound
{
    public List<Func<Task>> Writes { get; } = [];

    public List<StepOperation> Steps { get; } = [];

    public DateTimeOffset? WakeAt { get; private set; }

    public bool IsEmpty => Writes.Count == 0 && Steps.Count == 0;

    public void WakeNoLaterThan(DateTimeOffset time)
    {
        if (WakeAt is null || time < WakeAt)
        {
            WakeAt = time;
        }
    }
}
