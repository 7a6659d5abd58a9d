namespace World.Runtime.Execution;

/// <summary>
/// Notices workflow code that does not yield: armed while the execution pumps workflow continuations, it completes
/// <see cref="Detected"/> when one pump outlasts the timeout. Blocking code cannot be interrupted, so detection is all
/// it can do; the engine then gives up on the invocation.
/// </summary>
/// <remarks>
/// It runs on the wall clock, not the World's: a test clock that jumps months ahead while a pump runs on another
/// thread says nothing about whether the code is stuck.
/// </remarks>
internal sealed class DeadlockWatchdog : IDisposable
{
    private readonly TimeProvider _clock;
    private readonly TimeSpan _timeout;
    private readonly ITimer? _timer;
    private readonly TaskCompletionSource _detected = new(TaskCreationOptions.RunContinuationsAsynchronously);
#pragma warning disable CA2213 // A lock object, not a resource.
    private readonly Lock _gate = new();
#pragma warning restore CA2213
    private long _armedAt;
    private bool _armed;

    public DeadlockWatchdog(TimeSpan timeout, TimeProvider? clock = null)
    {
        _clock = clock ?? TimeProvider.System;
        _timeout = timeout;
        if (timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            _timer = _clock.CreateTimer(static state => ((DeadlockWatchdog)state!).OnTimer(), this, System.Threading.Timeout.InfiniteTimeSpan, System.Threading.Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Completes when workflow code ran longer than the timeout without yielding.</summary>
    public Task Detected => _detected.Task;

    public TimeSpan Limit => _timeout;

    /// <summary>Runs <paramref name="pump"/> with the watchdog armed.</summary>
    public void Guard(Action pump)
    {
        if (_timer is null)
        {
            pump();
            return;
        }

        lock (_gate)
        {
            _armed = true;
            _armedAt = _clock.GetTimestamp();
            _timer.Change(_timeout, System.Threading.Timeout.InfiniteTimeSpan);
        }

        try
        {
            pump();
        }
        finally
        {
            lock (_gate)
            {
                _armed = false;
                _timer.Change(System.Threading.Timeout.InfiniteTimeSpan, System.Threading.Timeout.InfiniteTimeSpan);
            }
        }
    }

    public void Dispose() => _timer?.Dispose();

    private void OnTimer()
    {
        lock (_gate)
        {
            // A callback that raced with a disarm and re-arm belongs to an earlier pump: only a pump that has really
            // run for the whole timeout counts.
            if (_armed && _clock.GetElapsedTime(_armedAt) >= _timeout)
            {
                _detected.TrySetResult();
            }
        }
    }
}
