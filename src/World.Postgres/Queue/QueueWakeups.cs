using Microsoft.Extensions.Logging;
using Npgsql;

namespace World.Postgres.Queue;

/// <summary>
/// Wake-up hints for idle consumers: one LISTEN connection per World, opened on the first wait, re-opened with
/// backoff when it drops. A notification (or a reconnect, which may have missed some) wakes every waiter, and each
/// waiter also wakes at its own poll timeout, so a lost notification delays a claim by at most that timeout.
/// </summary>
internal sealed partial class QueueWakeups(NpgsqlDataSource dataSource, string channel, TimeProvider timeProvider, ILogger logger) : IAsyncDisposable
{
    private static readonly TimeSpan MaxReconnectDelay = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private TaskCompletionSource _signal = NewSignal();
    private Task? _listener;

    /// <summary>Set by tests to simulate lost notifications: the listener drops what it receives.</summary>
    internal bool DropNotifications { get; set; }

    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        Task signal;
        lock (_gate)
        {
            _listener ??= Task.Run(() => ListenAsync(_stop.Token), CancellationToken.None);
            signal = _signal.Task;
        }

        using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await Task.WhenAny(signal, Task.Delay(timeout, timeProvider, wake.Token)).ConfigureAwait(false);
        await wake.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>Wakes every waiter of this process (a local enqueue needs no round trip through the server).</summary>
    public void Signal()
    {
        TaskCompletionSource signal;
        lock (_gate)
        {
            signal = _signal;
            _signal = NewSignal();
        }

        signal.TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        if (_listener is not null)
        {
            await _listener.ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    private async Task ListenAsync(CancellationToken stop)
    {
        var failures = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stop).ConfigureAwait(false);
                connection.Notification += (_, _) =>
                {
                    if (!DropNotifications)
                    {
                        Signal();
                    }
                };
                await using (var listen = new NpgsqlCommand($"LISTEN \"{channel}\"", connection))
                {
                    await listen.ExecuteNonQueryAsync(stop).ConfigureAwait(false);
                }

                failures = 0;
                Signal(); // Notifications sent while disconnected are lost: let waiters look once.
                while (true)
                {
                    await connection.WaitAsync(stop).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (NpgsqlException exception)
            {
                failures++;
                var delay = TimeSpan.FromMilliseconds(Math.Min(MaxReconnectDelay.TotalMilliseconds, 100 * Math.Pow(2, Math.Min(failures, 10))));
                LogListenerFailed(logger, exception, delay);
                try
                {
                    await Task.Delay(delay, timeProvider, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "The queue's LISTEN connection failed; polling until it reconnects in {Delay}")]
    private static partial void LogListenerFailed(ILogger logger, Exception exception, TimeSpan delay);
}
