using Microsoft.Extensions.Logging;
using Npgsql;

namespace World.Postgres.Storage;

/// <summary>
/// Wake-up hints for idle readers and consumers: one LISTEN connection per World for all its channels, opened on the
/// first wait and re-opened with backoff when it drops. A notification wakes the waiters of its channel; a (re)connect,
/// which may have missed some, wakes all. Every wait also ends at its own timeout, so a lost notification costs at
/// most one poll interval of latency, never a stalled reader.
/// </summary>
internal sealed partial class NotificationListener(NpgsqlDataSource dataSource, IReadOnlyList<string> channels, TimeProvider timeProvider, ILogger logger) : IAsyncDisposable
{
    private static readonly TimeSpan MaxReconnectDelay = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, TaskCompletionSource> _signals = channels.ToDictionary(static channel => channel, static _ => NewSignal(), StringComparer.Ordinal);
    private Task? _listener;

    /// <summary>Set by tests to simulate lost notifications: the listener drops what it receives.</summary>
    internal bool DropNotifications { get; set; }

    /// <summary>The signal the next notification or local signal on <paramref name="channel"/> completes.</summary>
    public Task NextSignal(string channel)
    {
        lock (_gate)
        {
            return _signals[channel].Task;
        }
    }

    /// <summary>
    /// Completes at the next notification on <paramref name="channel"/> or local signal, or after
    /// <paramref name="timeout"/>; at once when <paramref name="since"/> (an earlier <see cref="NextSignal"/>) has fired.
    /// </summary>
    public async Task WaitAsync(string channel, TimeSpan timeout, CancellationToken cancellationToken, Task? since = null)
    {
        Task signal;
        lock (_gate)
        {
            _listener ??= Task.Run(() => ListenAsync(_stop.Token), CancellationToken.None);
            signal = since ?? _signals[channel].Task;
        }

        using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await Task.WhenAny(signal, Task.Delay(timeout, timeProvider, wake.Token)).ConfigureAwait(false);
        await wake.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>Wakes this process's waiters on <paramref name="channel"/> (a local write needs no round trip through the server).</summary>
    public void Signal(string channel)
    {
        TaskCompletionSource? signal;
        lock (_gate)
        {
            if (!_signals.TryGetValue(channel, out signal))
            {
                return;
            }

            _signals[channel] = NewSignal();
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

    private void SignalAll()
    {
        foreach (var channel in channels)
        {
            Signal(channel);
        }
    }

    private async Task ListenAsync(CancellationToken stop)
    {
        var failures = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stop).ConfigureAwait(false);
                connection.Notification += (_, notification) =>
                {
                    if (!DropNotifications)
                    {
                        Signal(notification.Channel);
                    }
                };
                foreach (var channel in channels)
                {
                    await using var listen = new NpgsqlCommand($"LISTEN \"{channel}\"", connection);
                    await listen.ExecuteNonQueryAsync(stop).ConfigureAwait(false);
                }

                failures = 0;
                SignalAll(); // Notifications sent while disconnected are lost: let every waiter look once.
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

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "The LISTEN connection failed; waiters poll until it reconnects in {Delay}")]
    private static partial void LogListenerFailed(ILogger logger, Exception exception, TimeSpan delay);
}
