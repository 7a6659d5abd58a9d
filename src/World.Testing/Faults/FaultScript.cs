using System.Collections.Concurrent;

namespace World.Testing.Faults;

/// <summary>The faults planned for one operation of a <see cref="FaultInjectingQueue"/>: the next calls fail in order, or every call fails.</summary>
public sealed class FaultScript
{
    private readonly ConcurrentQueue<Exception> _planned = new();
    private volatile Func<Exception>? _always;
    private int _calls;
    private int _faults;

    /// <summary>How many calls the operation received.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>How many of them failed by plan.</summary>
    public int Faults => Volatile.Read(ref _faults);

    /// <summary>The next calls throw these exceptions, one each, in order.</summary>
    public void FailNext(params Exception[] exceptions)
    {
        ArgumentNullException.ThrowIfNull(exceptions);
        foreach (var exception in exceptions)
        {
            _planned.Enqueue(exception);
        }
    }

    /// <summary>Every call throws what <paramref name="fault"/> makes, until <see cref="Heal"/>.</summary>
    public void FailAlways(Func<Exception> fault) => _always = fault;

    /// <summary>Stops failing calls.</summary>
    public void Heal()
    {
        _always = null;
        _planned.Clear();
    }

    internal void OnCall()
    {
        Interlocked.Increment(ref _calls);
        var fault = _always?.Invoke() ?? (_planned.TryDequeue(out var planned) ? planned : null);
        if (fault is not null)
        {
            Interlocked.Increment(ref _faults);
            throw fault;
        }
    }
}
