using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace World.Queue;

/// <summary>
/// Consumes queues on any World: claims exactly as many messages as it has free handler slots, runs each handler with
/// a heartbeat that renews its lease, settles the outcome (complete, redeliver, or fail with backoff until the message
/// is dead-lettered) and, on shutdown, stops claiming, lets running handlers finish within a grace period, then
/// cancels the rest and releases their messages for immediate redelivery elsewhere.
/// </summary>
public sealed partial class QueueProcessor
{
    private readonly IWorldQueue _queue;
    private readonly QueueProcessorOptions _options;
    private readonly QueueHandler _handler;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<long, Task> _inFlight = new();
    private long _nextDelivery;
    private int _started;

    /// <summary>Creates a processor; nothing runs until <see cref="RunAsync"/>.</summary>
    public QueueProcessor(IWorldQueue queue, QueueProcessorOptions options, QueueHandler handler, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(handler);
        QueueRules.ValidateClaim(new ClaimRequest(options.Queues, Math.Max(1, options.Concurrency), options.LeaseDuration, options.Owner));
        if (options.Concurrency is < 1 or > QueueRules.MaxClaim)
        {
            throw new WorldValidationException($"Concurrency must be between 1 and {QueueRules.MaxClaim}.", nameof(options.Concurrency));
        }

        QueueRules.RequirePositive(options.HeartbeatInterval, nameof(options.HeartbeatInterval));
        QueueRules.RequirePositive(options.PollInterval, nameof(options.PollInterval));
        QueueRules.RequireDelay(options.ShutdownTimeout, nameof(options.ShutdownTimeout));
        if (options.HeartbeatInterval >= options.LeaseDuration)
        {
            throw new WorldValidationException("HeartbeatInterval must be shorter than LeaseDuration, or leases lapse under running handlers.", nameof(options.HeartbeatInterval));
        }

        _queue = queue;
        _options = options;
        _handler = handler;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>How many handlers are running now.</summary>
    public int RunningHandlers => _inFlight.Count;

    /// <summary>Processes messages until <paramref name="stoppingToken"/> is cancelled, then shuts down gracefully and returns.</summary>
    /// <exception cref="InvalidOperationException">The processor was already started; create one per consumer loop.</exception>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        if (Interlocked.Exchange(ref _started, 1) == 1)
        {
            throw new InvalidOperationException("This QueueProcessor has already been started; create one processor per consumer loop.");
        }

        using var slots = new SemaphoreSlim(_options.Concurrency, _options.Concurrency);
        using var abort = new CancellationTokenSource();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await slots.WaitAsync(stoppingToken).ConfigureAwait(false);
                var free = 1;
                while (free < _options.Concurrency && slots.Wait(0, CancellationToken.None))
                {
                    free++;
                }

                var claimed = await ClaimAsync(free).ConfigureAwait(false);
                if (claimed.Count < free)
                {
                    slots.Release(free - claimed.Count);
                }

                if (stoppingToken.IsCancellationRequested)
                {
                    // Shutdown arrived during the claim: start nothing new, hand the messages straight back.
                    await ReleaseAllAsync(claimed).ConfigureAwait(false);
                    break;
                }

                foreach (var message in claimed)
                {
                    var id = Interlocked.Increment(ref _nextDelivery);
                    _inFlight[id] = Task.Run(() => ProcessAsync(id, message, slots, abort.Token), CancellationToken.None);
                }

                if (claimed.Count == 0)
                {
                    await _queue.WaitForMessagesAsync(_options.Queues, _options.PollInterval, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown requested: stop claiming and drain below.
        }

        var drain = Task.WhenAll(_inFlight.Values);
        if (await Task.WhenAny(drain, Task.Delay(_options.ShutdownTimeout, _time, CancellationToken.None)).ConfigureAwait(false) != drain)
        {
            LogShutdownCancelling(_logger, _inFlight.Count);
            await abort.CancelAsync().ConfigureAwait(false);
        }

        await drain.ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<QueueMessage>> ClaimAsync(int free)
    {
        try
        {
            // Not cancelled by shutdown: a claim abandoned mid-flight would strand leases until they expire.
            return await _queue.ClaimAsync(new ClaimRequest(_options.Queues, free, _options.LeaseDuration, _options.Owner), CancellationToken.None).ConfigureAwait(false);
        }
        catch (WorldTransientException exception)
        {
            LogClaimFailed(_logger, exception);
            return [];
        }
    }

    private async Task ReleaseAllAsync(IReadOnlyList<QueueMessage> messages)
    {
        foreach (var message in messages)
        {
            try
            {
                await _queue.ReleaseAsync(message.Lease, TimeSpan.Zero, CancellationToken.None).ConfigureAwait(false);
            }
            catch (WorldException exception)
            {
                // The lease lapses instead and the message is redelivered then.
                LogSettleFailed(_logger, exception, message.MessageId, message.QueueName);
            }
        }
    }

    private async Task ProcessAsync(long id, QueueMessage message, SemaphoreSlim slots, CancellationToken abort)
    {
        using var handlerCancellation = CancellationTokenSource.CreateLinkedTokenSource(abort);
        using var heartbeatStop = new CancellationTokenSource();
        var heartbeat = HeartbeatAsync(message.Lease, handlerCancellation, heartbeatStop.Token);
        try
        {
            QueueHandlerResult result;
            try
            {
                result = await _handler(message, handlerCancellation.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (abort.IsCancellationRequested)
            {
                await StopAsync(heartbeatStop, heartbeat).ConfigureAwait(false);
                await _queue.ReleaseAsync(message.Lease, TimeSpan.Zero, CancellationToken.None).ConfigureAwait(false);
                return;
            }
#pragma warning disable CA1031 // A handler failure of any type is a failed delivery: it is recorded and retried, not lost.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                await StopAsync(heartbeatStop, heartbeat).ConfigureAwait(false);
                var failure = new QueueFailure(
                    new StructuredError(exception.Message, exception.StackTrace, exception.GetType().Name),
                    _options.Backoff.DelayFor(message.Failures + 1));
                var outcome = await _queue.FailAsync(message.Lease, failure, CancellationToken.None).ConfigureAwait(false);
                LogHandlerFailed(_logger, exception, message.MessageId, message.QueueName, message.Attempt, outcome);
                return;
            }

            await StopAsync(heartbeatStop, heartbeat).ConfigureAwait(false);
            var settled = RedeliveryDelay(result) is { } delay
                ? await _queue.ReleaseAsync(message.Lease, delay, CancellationToken.None).ConfigureAwait(false)
                : await _queue.CompleteAsync(message.Lease, CancellationToken.None).ConfigureAwait(false);
            if (!settled)
            {
                LogLeaseLost(_logger, message.MessageId, message.QueueName);
            }
        }
        catch (WorldException exception)
        {
            // Settling failed (e.g. the database is unreachable): the lease lapses and the message is delivered again.
            LogSettleFailed(_logger, exception, message.MessageId, message.QueueName);
        }
        finally
        {
            _inFlight.TryRemove(id, out _);
            slots.Release();
        }
    }

    private TimeSpan? RedeliveryDelay(QueueHandlerResult result)
    {
        if (result.RedeliverAt is { } time)
        {
            var remaining = time - _time.GetUtcNow();
            return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
        }

        return result.RedeliverAfter;
    }

    private async Task HeartbeatAsync(QueueLease lease, CancellationTokenSource handler, CancellationToken stop)
    {
        try
        {
            while (true)
            {
                await Task.Delay(_options.HeartbeatInterval, _time, stop).ConfigureAwait(false);
                if (!await _queue.RenewAsync(lease, _options.LeaseDuration, stop).ConfigureAwait(false))
                {
                    // Reclaimed by another consumer: this delivery can no longer be settled, so stop the handler.
                    LogLeaseLost(_logger, lease.MessageId, "");
                    await handler.CancelAsync().ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The handler finished.
        }
        catch (WorldTransientException exception)
        {
            // Keep the handler running: if the lease lapses meanwhile, settlement is fenced and the message redelivered.
            LogHeartbeatFailed(_logger, exception, lease.MessageId);
        }
    }

    private static async Task StopAsync(CancellationTokenSource heartbeatStop, Task heartbeat)
    {
        await heartbeatStop.CancelAsync().ConfigureAwait(false);
        await heartbeat.ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Warning, Message = "Claiming from the queue failed; retrying after the poll interval")]
    private static partial void LogClaimFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Handler failed for message {MessageId} on {QueueName} (attempt {Attempt}): {Outcome}")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string messageId, string queueName, int attempt, FailureOutcome outcome);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Lease of message {MessageId} {QueueName} was lost before settlement; another consumer owns it now")]
    private static partial void LogLeaseLost(ILogger logger, string messageId, string queueName);

    [LoggerMessage(EventId = 103, Level = LogLevel.Error, Message = "Settling message {MessageId} on {QueueName} failed; it will be redelivered after its lease expires")]
    private static partial void LogSettleFailed(ILogger logger, Exception exception, string messageId, string queueName);

    [LoggerMessage(EventId = 104, Level = LogLevel.Warning, Message = "Renewing the lease of message {MessageId} failed")]
    private static partial void LogHeartbeatFailed(ILogger logger, Exception exception, string messageId);

    [LoggerMessage(EventId = 105, Level = LogLevel.Warning, Message = "Shutdown grace period ended with {Count} handlers running; cancelling them and releasing their messages")]
    private static partial void LogShutdownCancelling(ILogger logger, int count);
}
