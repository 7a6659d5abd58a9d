using System.Collections.Concurrent;

namespace World.Runtime.Execution;

/// <summary>
/// Runs workflow code one continuation at a time, only when the execution pumps. Results are handed to the workflow
/// in log order with a pump after each, so the order in which the code asks for operations (and so their ids) is
/// the same on every replay, however the steps behind them were scheduled.
/// </summary>
internal sealed class WorkflowSynchronizationContext : SynchronizationContext
{
    private readonly ConcurrentQueue<(SendOrPostCallback Callback, object? State)> _work = new();

    public override void Post(SendOrPostCallback d, object? state) => _work.Enqueue((d, state));

    public override void Send(SendOrPostCallback d, object? state) =>
        throw new NotSupportedException("Workflow code must not block; await the context's operations instead.");

    public override SynchronizationContext CreateCopy() => this;

    /// <summary>Schedules <paramref name="action"/> on this context and pumps.</summary>
    public void Run(Action action)
    {
        Post(static state => ((Action)state!)(), action);
        Pump();
    }

    /// <summary>Runs queued workflow continuations until the workflow waits on something not yet in the log.</summary>
    public void Pump()
    {
        var previous = Current;
        SetSynchronizationContext(this);
        try
        {
            while (_work.TryDequeue(out var item))
            {
                item.Callback(item.State);
            }
        }
        finally
        {
            SetSynchronizationContext(previous);
        }
    }
}
