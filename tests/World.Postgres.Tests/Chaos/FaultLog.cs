namespace World.Postgres.Tests.Chaos;

/// <summary>
/// What the test did to the system and when (wall clock, comparable with the workers' journal): the explanations an
/// extra step execution may have.
/// </summary>
internal sealed class FaultLog
{
    private readonly Lock _gate = new();
    private readonly List<InjectedFault> _faults = [];

    /// <summary>A fault that happened at one moment (a SIGKILL, a crash).</summary>
    public void Instant(string description)
    {
        var now = DateTimeOffset.UtcNow;
        lock (_gate)
        {
            _faults.Add(new InjectedFault(description, now) { End = now });
        }
    }

    /// <summary>A fault that lasts until <see cref="InjectedFault.End"/> is set through <see cref="Finish(InjectedFault)"/>.</summary>
    public InjectedFault Begin(string description)
    {
        var fault = new InjectedFault(description, DateTimeOffset.UtcNow);
        lock (_gate)
        {
            _faults.Add(fault);
        }

        return fault;
    }

    public void Finish(InjectedFault fault) => Finish(fault, DateTimeOffset.UtcNow);

    /// <summary>Ends a fault at a given time (in the future for an effect known to outlast the call, e.g. a cold start).</summary>
    public void Finish(InjectedFault fault, DateTimeOffset end)
    {
        lock (_gate)
        {
            fault.End = end;
        }
    }

    /// <summary>
    /// The faults that were under way at some point between <paramref name="from"/> and <paramref name="to"/>, or
    /// ended less than the aftermath before <paramref name="from"/>.
    /// </summary>
    public IReadOnlyList<InjectedFault> During(DateTimeOffset from, DateTimeOffset to)
    {
        lock (_gate)
        {
            return _faults.Where(f => f.Start <= to && (f.End ?? DateTimeOffset.MaxValue - ChaosSettings.FaultAftermath) + ChaosSettings.FaultAftermath >= from).ToArray();
        }
    }

    public IReadOnlyList<InjectedFault> Snapshot()
    {
        lock (_gate)
        {
            return _faults.ToArray();
        }
    }
}
