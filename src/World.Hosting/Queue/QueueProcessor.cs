using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using World.Diagnostics;
using World.Backends;

namespace World.Queue;

/// <summary>
/// Consumes queues on any World: claims exactly as many messages as it has free handler slots, runs each handler with
/// a heartbeat that renews its lease, settles the outcome (complete, redeliver, or fail with backoff until the message
/// is dead-lettered) and, on shutdown, stops claiming, lets running handlers finish within a grace period, then
/// cancels the rest and releases their messages for immediate redelivery elsewhere.
/// </summary>
/// <remarks>
/// <para>
/// The processor survives every failure of the World: a failing claim is retried with exponential backoff and jitter
/// behind a circuit breaker that pauses claiming while the backend keeps failing (see <see cref="Health"/>); a failing
/// renewal is retried until the lease is really lost; a failing settlement is retried while the lease is still held,
/// so a short database outage does not cost a full lease before the message moves on.
/// </para>
/// <para>
/// A handler never runs past its lease unknowingly: when renewals keep failing, the handler's token is cancelled a
/// quarter of a lease before the lease can expire, that is before any other consumer can claim the message.
/// </para>
/// </remarks>
public sealed partial class QueueProcessor
{
    private readonly IWorldQueue _queue;
    private readonly QueueProcessorOptions _options;
    private readonly QueueHandler _handler;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<long, Delivery> _inFlight = new();
    private readonly ConcurrentDictionary<string, Delivery> _inFlightByMessage = new(StringComparer.Ordinal);
    private readonly ResiliencePipeline<IReadOnlyList<QueueMessage>> _claimPipeline;
    private readonly ResiliencePipeline _settlePipeline;
    private readonly TimeSpan _renewalMargin;
    private long _nextDelivery;
    private int _started;
    private int _consecutiveFailures;
    private int _abandoned;
    private volatile bool _circuitOpen;
    private volatile QueueProcessorHealth _health;

    /// <summary>Creates a processor; nothing runs until <see cref="RunAsync"/>.</summary>
    public QueueProcessor(IWorldQueue queue, QueueProcessorOptions options, QueueHandler handler, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(handler);
        QueueRules.ValidateClaim(new ClaimRequest(options.Queues, Math.Max(1, options.Concurrency), options.LeaseDuration, options.Owner));
        if (options.Concurrency is < 1 or > WorldLimits.MaxClaim)
        {
            throw new WorldValidationException($"Concurrency must be between 1 and {WorldLimits.MaxClaim}.", nameof(options.Concurrency));
        }

        QueueRules.RequirePositive(options.HeartbeatInterval, nameof(options.HeartbeatInterval));
        QueueRules.RequirePositive(options.PollInterval, nameof(options.PollInterval));
        QueueRules.RequireDelay(options.ShutdownTimeout, nameof(options.ShutdownTimeout));
        QueueRules.RequireDelay(options.CancellationGracePeriod, nameof(options.CancellationGracePeriod));
        QueueRules.RequirePositive(options.FaultRetryDelay, nameof(options.FaultRetryDelay));
        QueueRules.RequirePositive(options.FaultRetryMaxDelay, nameof(options.FaultRetryMaxDelay));
        if (options.PresenceInterval <= TimeSpan.Zero || options.PresenceInterval * 3 > DispatchRules.MaxConsumerTimeToLive)
        {
            throw new WorldValidationException($"PresenceInterval must be positive and at most a third of {DispatchRules.MaxConsumerTimeToLive}.", nameof(options.PresenceInterval));
        }

        if (options.CircuitBreakDuration < TimeSpan.FromMilliseconds(500))
        {
            throw new WorldValidationException("CircuitBreakDuration must be at least 500 ms.", nameof(options.CircuitBreakDuration));
        }

        if (options.HeartbeatInterval >= options.LeaseDuration)
        {
            throw new WorldValidationException("HeartbeatInterval must be shorter than LeaseDuration, or leases lapse under running handlers.", nameof(options.HeartbeatInterval));
        }

        _queue = queue;
        _options = options;
        ConsumerId = IdValidation.RequireName($"{options.Owner}#{System.Security.Cryptography.RandomNumberGenerator.GetHexString(8, lowercase: true)}", nameof(options.Owner));
        _handler = handler;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _renewalMargin = options.LeaseDuration / 4;
        _health = new QueueProcessorHealth(QueueProcessorState.Healthy, "Claiming normally.", _time.GetUtcNow(), 0, CircuitOpen: false, AbandonedHandlers: 0);
        _claimPipeline = BuildClaimPipeline();
        _settlePipeline = new ResiliencePipelineBuilder { TimeProvider = _time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(WorldFaults.IsTransient),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.FaultRetryDelay,
                MaxDelay = options.HeartbeatInterval,
            })
            .Build();
    }

    /// <summary>How many handlers are running now.</summary>
    public int RunningHandlers => _inFlight.Count;

    /// <summary>The processor's health now: whether claims succeed, fail transiently, or fail for a reason an operator must fix.</summary>
    public QueueProcessorHealth Health => _health;

    /// <summary>Processes messages until <paramref name="stoppingToken"/> is cancelled, then shuts down gracefully and returns.</summary>
    /// <remarks>It does not throw for failures of the World or of handlers: they are retried, logged and reported through <see cref="Health"/>.</remarks>
    /// <exception cref="InvalidOperationException">The processor was already started; create one per consumer loop.</exception>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        if (Interlocked.Exchange(ref _started, 1) == 1)
        {
            throw new InvalidOperationException("This QueueProcessor has already been started; create one processor per consumer loop.");
        }

        using var slots = new SemaphoreSlim(_options.Concurrency, _options.Concurrency);
        using var abort = new CancellationTokenSource();
        using var presenceStop = new CancellationTokenSource();
        QueueTelemetry.ProcessorStarted(_options.Queues, _options.Concurrency);
        var presence = ReportPresenceAsync(presenceStop.Token);
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

                IReadOnlyList<QueueMessage> claimed;
                try
                {
                    claimed = await ClaimAsync(free, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    slots.Release(free);
                    throw;
                }

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
                    var delivery = new Delivery(Interlocked.Increment(ref _nextDelivery), message, abort.Token);
                    _inFlight[delivery.Id] = delivery;
                    // A message claimed again while this process still runs an earlier delivery of it: that delivery's
                    // lease lapsed (its heartbeat was starved, say). It is told, and the new one waits for it to end,
                    // so one process never runs a message twice at the same time.
                    _inFlightByMessage.TryGetValue(message.MessageId, out var previous);
                    _inFlightByMessage[message.MessageId] = delivery;
                    delivery.Task = ProcessAsync(delivery, previous, slots);
                }

                if (claimed.Count == 0)
                {
                    await WaitForMessagesAsync(stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown requested: stop claiming and drain below.
        }

        await DrainAsync(abort).ConfigureAwait(false);
        await presenceStop.CancelAsync().ConfigureAwait(false);
        await presence.ConfigureAwait(false);
        await RemovePresenceAsync().ConfigureAwait(false);
        QueueTelemetry.ProcessorStopped(_options.Queues, _options.Concurrency);
    }

    private async Task DrainAsync(CancellationTokenSource abort)
    {
        var drain = Task.WhenAll(_inFlight.Values.Select(static delivery => delivery.Task));
        if (await Task.WhenAny(drain, Task.Delay(_options.ShutdownTimeout, _time, CancellationToken.None)).ConfigureAwait(false) == drain)
        {
            return;
        }

        LogShutdownCancelling(_logger, _inFlight.Count);
        await abort.CancelAsync().ConfigureAwait(false);
        if (await Task.WhenAny(drain, Task.Delay(_options.CancellationGracePeriod, _time, CancellationToken.None)).ConfigureAwait(false) != drain)
        {
            // Handlers that ignore their token: stop waiting for them, so their messages go back to the queue now
            // instead of after their leases, and shutdown is bounded.
            foreach (var delivery in _inFlight.Values)
            {
                delivery.Abandon();
            }
        }

        await drain.ConfigureAwait(false);
    }

    private ResiliencePipeline<IReadOnlyList<QueueMessage>> BuildClaimPipeline() =>
        new ResiliencePipelineBuilder<IReadOnlyList<QueueMessage>> { TimeProvider = _time }
            .AddRetry(new RetryStrategyOptions<IReadOnlyList<QueueMessage>>
            {
                // Every failure except shutdown is retried: a worker never stops consuming because of the World.
                ShouldHandle = new PredicateBuilder<IReadOnlyList<QueueMessage>>().Handle<Exception>(static exception => exception is not OperationCanceledException),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.FaultRetryDelay,
                MaxDelay = _options.FaultRetryMaxDelay,
                OnRetry = arguments =>
                {
                    if (arguments.Outcome.Exception is { } exception and not BrokenCircuitException)
                    {
                        ClaimFailed(exception, arguments.RetryDelay);
                    }

                    return ValueTask.CompletedTask;
                },
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<IReadOnlyList<QueueMessage>>
            {
                ShouldHandle = new PredicateBuilder<IReadOnlyList<QueueMessage>>().Handle<Exception>(static exception => exception is not OperationCanceledException),
                FailureRatio = 1.0,
                MinimumThroughput = 3,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = _options.CircuitBreakDuration,
                OnOpened = arguments =>
                {
                    _circuitOpen = true;
                    QueueTelemetry.RecordCircuit("open");
                    LogCircuitOpened(_logger, arguments.BreakDuration);
                    UpdateHealth(_health.State, _health.Description);
                    return ValueTask.CompletedTask;
                },
                OnHalfOpened = _ =>
                {
                    QueueTelemetry.RecordCircuit("half_open");
                    LogCircuitHalfOpened(_logger);
                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    _circuitOpen = false;
                    QueueTelemetry.RecordCircuit("closed");
                    LogCircuitClosed(_logger);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();

    private async Task<IReadOnlyList<QueueMessage>> ClaimAsync(int free, CancellationToken stoppingToken)
    {
        // Shutdown cancels the waits between retries, never a claim in flight: a claim abandoned mid-flight would
        // strand leases until they expire.
        var claimed = await _claimPipeline.ExecuteAsync(
            async _ => await _queue.ClaimAsync(new ClaimRequest(_options.Queues, free, _options.LeaseDuration, _options.Owner), CancellationToken.None).ConfigureAwait(false),
            stoppingToken).ConfigureAwait(false);
        QueueTelemetry.RecordClaimed(claimed, _time.GetUtcNow());
        if (Volatile.Read(ref _consecutiveFailures) != 0 || _health.State != QueueProcessorState.Healthy)
        {
            Interlocked.Exchange(ref _consecutiveFailures, 0);
            LogClaimRecovered(_logger);
            UpdateHealth(QueueProcessorState.Healthy, "Claiming normally.");
        }

        return claimed;
    }

    private void ClaimFailed(Exception exception, TimeSpan retryDelay)
    {
        Interlocked.Increment(ref _consecutiveFailures);
        var kind = WorldFaults.Classify(exception);
        QueueTelemetry.RecordClaimFailure(kind);
        switch (kind)
        {
            case WorldFaultKind.Transient:
                LogClaimFailedTransient(_logger, exception, retryDelay);
                UpdateHealth(QueueProcessorState.Degraded, "Claims fail transiently (the backend is unreachable or timing out); retrying with backoff.");
                break;
            case WorldFaultKind.Configuration:
                LogClaimFailedConfiguration(_logger, exception, retryDelay);
                UpdateHealth(QueueProcessorState.Unhealthy, "Claims fail because the backend is not set up: " + exception.Message);
                break;
            default:
                LogClaimFailedUnexpected(_logger, exception, kind, retryDelay);
                UpdateHealth(QueueProcessorState.Unhealthy, $"Claims fail unexpectedly ({exception.GetType().Name}); retrying with backoff.");
                break;
        }
    }

    private void UpdateHealth(QueueProcessorState state, string description)
    {
        var current = _health;
        var since = current.State == state ? current.Since : _time.GetUtcNow();
        _health = new QueueProcessorHealth(state, description, since, Volatile.Read(ref _consecutiveFailures), _circuitOpen, Volatile.Read(ref _abandoned));
    }

    private async Task WaitForMessagesAsync(CancellationToken stoppingToken)
    {
        try
        {
            await _queue.WaitForMessagesAsync(_options.Queues, _options.PollInterval, stoppingToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The wake-up is only a hint: without it the loop polls, which is always correct.
            LogWaitFailed(_logger, exception);
            await Task.Delay(_options.PollInterval, _time, stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task ReleaseAllAsync(IReadOnlyList<QueueMessage> messages)
    {
        foreach (var message in messages)
        {
            await SettleAsync(
                message.Lease.ExpiresAt,
                async token => await _queue.ReleaseAsync(message.Lease, TimeSpan.Zero, token).ConfigureAwait(false),
                message).ConfigureAwait(false);
        }
    }

    private async Task ProcessAsync(Delivery delivery, Delivery? previous, SemaphoreSlim slots)
    {
        var message = delivery.Message;
        // Every log written while handling (the handler's own included, on any logger of the same factory) carries
        // the queue, message id and attempt; never the payload.
        using var scope = DeliveryScope(_logger, message.QueueName, message.MessageId, message.Attempt);
        var telemetry = QueueTelemetry.StartProcess(message);
        using var heartbeatStop = new CancellationTokenSource();
        var heartbeat = HeartbeatAsync(delivery, heartbeatStop.Token);
        try
        {
            if (previous is not null)
            {
                LogStaleDelivery(_logger, message.MessageId, message.QueueName);
                await previous.CancelHandlerAsync().ConfigureAwait(false);
                await previous.Task.ConfigureAwait(false);
            }

            // On the thread pool: a handler that blocks before its first await must not block the claim loop, and
            // one that never returns can still be abandoned at shutdown.
            var handling = Task.Run(() => _handler(message, delivery.Cancellation.Token).AsTask(), CancellationToken.None);
            if (await Task.WhenAny(handling, delivery.Abandoned).ConfigureAwait(false) != handling)
            {
                Interlocked.Increment(ref _abandoned);
                telemetry.Outcome = QueueProcessTelemetry.Abandoned;
                UpdateHealth(_health.State, _health.Description);
                LogHandlerAbandoned(_logger, message.MessageId, message.QueueName, _options.CancellationGracePeriod);
                await StopAsync(heartbeatStop, heartbeat).ConfigureAwait(false);
                await SettleAsync(delivery, token => _queue.ReleaseAsync(message.Lease, TimeSpan.Zero, token)).ConfigureAwait(false);
                return;
            }

            QueueHandlerResult result;
            try
            {
                result = await handling.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (delivery.Cancellation.IsCancellationRequested)
            {
                // Shutdown, or the lease is (about to be) lost: hand the message back at once. Fenced: if another
                // consumer holds it already, this changes nothing.
                await StopAsync(heartbeatStop, heartbeat).ConfigureAwait(false);
                await SettleAsync(delivery, token => _queue.ReleaseAsync(message.Lease, TimeSpan.Zero, token)).ConfigureAwait(false);
                return;
            }
#pragma warning disable CA1031 // A handler failure of any type is a failed delivery: it is recorded and retried, not lost.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                await StopAsync(heartbeatStop, heartbeat).ConfigureAwait(false);
                telemetry.Error = exception;
                var failure = new QueueFailure(
                    StructuredError.FromException(exception, exception.GetType().Name, fullText: false),
                    _options.Backoff.DelayFor(message.Failures + 1));
                FailureOutcome? outcome = null;
                await SettleAsync(delivery, async token =>
                {
                    outcome = await _queue.FailAsync(message.Lease, failure, token).ConfigureAwait(false);
                    return outcome != FailureOutcome.LeaseLost;
                }).ConfigureAwait(false);
                telemetry.Outcome = outcome switch
                {
                    FailureOutcome.Retrying => QueueProcessTelemetry.Failed,
                    FailureOutcome.DeadLettered => QueueProcessTelemetry.DeadLettered,
                    _ => QueueProcessTelemetry.LeaseLost,
                };
                LogHandlerFailed(_logger, exception, message.MessageId, message.QueueName, message.Attempt, outcome?.ToString() ?? "unsettled");
                return;
            }

            await StopAsync(heartbeatStop, heartbeat).ConfigureAwait(false);
            var redeliver = RedeliveryDelay(result);
            var settled = await SettleAsync(delivery, token => redeliver is { } delay
                ? _queue.ReleaseAsync(message.Lease, delay, token)
                : _queue.CompleteAsync(message.Lease, token)).ConfigureAwait(false);
            telemetry.Outcome = !settled ? QueueProcessTelemetry.LeaseLost : redeliver is null ? QueueProcessTelemetry.Completed : QueueProcessTelemetry.Redelivered;
        }
        finally
        {
            await StopAsync(heartbeatStop, heartbeat).ConfigureAwait(false);
            telemetry.End();
            _inFlight.TryRemove(delivery.Id, out _);
            _inFlightByMessage.TryRemove(new KeyValuePair<string, Delivery>(message.MessageId, delivery));
            delivery.Dispose();
            slots.Release();
        }
    }

    /// <summary>Settles a delivery, retrying transient failures for as long as its lease is held.</summary>
    private Task<bool> SettleAsync(Delivery delivery, Func<CancellationToken, Task<bool>> settle) =>
        SettleAsync(delivery.LeaseValidUntil, settle, delivery.Message);

    /// <summary>Settles a message; false when the settlement did not take (the lease was lost, or settling failed until it ran out).</summary>
    private async Task<bool> SettleAsync(DateTimeOffset leaseValidUntil, Func<CancellationToken, Task<bool>> settle, QueueMessage message)
    {
        // Past the lease, a retry could only find the message taken: try once (fenced, so harmless) and stop.
        var remaining = leaseValidUntil - _time.GetUtcNow();
        using var budget = remaining > TimeSpan.Zero ? new CancellationTokenSource(remaining, _time) : null;
        try
        {
            var settled = budget is null
                ? await settle(CancellationToken.None).ConfigureAwait(false)
                : await _settlePipeline.ExecuteAsync(async token => await settle(token).ConfigureAwait(false), budget.Token).ConfigureAwait(false);
            if (!settled)
            {
                LogLeaseLost(_logger, message.MessageId, message.QueueName);
            }

            return settled;
        }
#pragma warning disable CA1031 // Not swallowed: logged; the lease lapses and the message is delivered again, which is the contract.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogSettleFailed(_logger, exception, message.MessageId, message.QueueName);
            return false;
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

    /// <summary>
    /// Renews the lease every heartbeat interval (counted by <c>world.queue.lease.renewals</c>). A failed renewal is retried with backoff until a quarter of a lease
    /// before it could expire; then, or when the World says another consumer holds it, the handler is cancelled.
    /// </summary>
    private async Task HeartbeatAsync(Delivery delivery, CancellationToken stop)
    {
        var lease = delivery.Message.Lease;
        try
        {
            while (true)
            {
                await Task.Delay(_options.HeartbeatInterval, _time, stop).ConfigureAwait(false);
                // Retries stop a quarter lease before expiry, to tell the handler in time. A heartbeat that wakes up
                // past that point (a starved thread pool) still tries until the expiry itself: a renewal that
                // succeeds proves nobody else has taken the message.
                var now = _time.GetUtcNow();
                var cutoff = delivery.LeaseValidUntil - _renewalMargin;
                var remaining = (now < cutoff ? cutoff : delivery.LeaseValidUntil) - now;
                bool renewed;
                if (remaining <= TimeSpan.Zero)
                {
                    renewed = false;
                }
                else
                {
                    using var deadline = new CancellationTokenSource(remaining, _time);
                    using var budget = CancellationTokenSource.CreateLinkedTokenSource(stop, deadline.Token);
                    var requestedAt = _time.GetUtcNow();
                    try
                    {
                        renewed = await _settlePipeline.ExecuteAsync(
                            async token =>
                            {
                                try
                                {
                                    return await _queue.RenewAsync(lease, _options.LeaseDuration, token).ConfigureAwait(false);
                                }
                                catch (Exception exception) when (exception is not OperationCanceledException)
                                {
                                    // A heartbeat failure: the pipeline retries it while the lease has time left.
                                    QueueTelemetry.RecordRenewal(delivery.Message.QueueName, "failed");
                                    throw;
                                }
                            },
                            budget.Token).ConfigureAwait(false);
                        if (renewed)
                        {
                            // The World stamps the new expiry at or after this instant: counting from here is safe.
                            delivery.LeaseValidUntil = requestedAt + _options.LeaseDuration;
                            QueueTelemetry.RecordRenewal(delivery.Message.QueueName, "renewed");
                            continue;
                        }
                    }
                    catch (OperationCanceledException) when (!stop.IsCancellationRequested)
                    {
                        renewed = false; // Out of time: the lease may lapse any moment now.
                    }
                }

                QueueTelemetry.RecordRenewal(delivery.Message.QueueName, "lost");
                LogLeaseLostRunning(_logger, lease.MessageId, delivery.Message.QueueName);
                await delivery.CancelHandlerAsync().ConfigureAwait(false);
                return;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The handler finished.
        }
#pragma warning disable CA1031 // Not swallowed: a renewal that fails for a non-transient reason cannot keep the lease; the handler is told.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            QueueTelemetry.RecordRenewal(delivery.Message.QueueName, "lost");
            LogHeartbeatFailed(_logger, exception, lease.MessageId);
            await delivery.CancelHandlerAsync().ConfigureAwait(false);
        }
    }

    private static async Task StopAsync(CancellationTokenSource heartbeatStop, Task heartbeat)
    {
        if (!heartbeatStop.IsCancellationRequested)
        {
            await heartbeatStop.CancelAsync().ConfigureAwait(false);
        }

        await heartbeat.ConfigureAwait(false);
    }

    /// <summary>One claimed message being handled: its cancellation, how long its lease is known to be held, and its abandonment.</summary>
    private sealed class Delivery(long id, QueueMessage message, CancellationToken abort) : IDisposable
    {
        private readonly TaskCompletionSource _abandoned = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long _leaseValidUntilTicks = message.Lease.ExpiresAt.UtcTicks;

        public long Id { get; } = id;

        public QueueMessage Message { get; } = message;

        public CancellationTokenSource Cancellation { get; } = CancellationTokenSource.CreateLinkedTokenSource(abort);

        public Task Task { get; set; } = Task.CompletedTask;

        public Task Abandoned => _abandoned.Task;

        /// <summary>Until when this consumer knows it holds the lease (by its own clock, from the last successful renewal).</summary>
        public DateTimeOffset LeaseValidUntil
        {
            get => new(Interlocked.Read(ref _leaseValidUntilTicks), TimeSpan.Zero);
            set => Interlocked.Exchange(ref _leaseValidUntilTicks, value.UtcTicks);
        }

        public Task CancelHandlerAsync()
        {
            try
            {
                return Cancellation.CancelAsync();
            }
            catch (ObjectDisposedException)
            {
                return Task.CompletedTask; // The delivery has ended meanwhile: there is nothing left to cancel.
            }
        }

        public void Abandon() => _abandoned.TrySetResult();

        public void Dispose() => Cancellation.Dispose();
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Warning, Message = "Claiming from the queue failed transiently; retrying in {RetryDelay}")]
    private static partial void LogClaimFailedTransient(ILogger logger, Exception exception, TimeSpan retryDelay);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Handler failed for message {MessageId} on {QueueName} (attempt {Attempt}): {Outcome}")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string messageId, string queueName, int attempt, string outcome);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Lease of message {MessageId} on {QueueName} was lost before settlement; another consumer owns it now")]
    private static partial void LogLeaseLost(ILogger logger, string messageId, string queueName);

    [LoggerMessage(EventId = 103, Level = LogLevel.Error, Message = "Settling message {MessageId} on {QueueName} failed; it will be redelivered after its lease expires")]
    private static partial void LogSettleFailed(ILogger logger, Exception exception, string messageId, string queueName);

    [LoggerMessage(EventId = 104, Level = LogLevel.Error, Message = "Renewing the lease of message {MessageId} failed for good; cancelling its handler")]
    private static partial void LogHeartbeatFailed(ILogger logger, Exception exception, string messageId);

    [LoggerMessage(EventId = 105, Level = LogLevel.Warning, Message = "Shutdown grace period ended with {Count} handlers running; cancelling them and releasing their messages")]
    private static partial void LogShutdownCancelling(ILogger logger, int count);

    [LoggerMessage(EventId = 106, Level = LogLevel.Error, Message = "Claiming from the queue failed because the backend is not set up; retrying in {RetryDelay}")]
    private static partial void LogClaimFailedConfiguration(ILogger logger, Exception exception, TimeSpan retryDelay);

    [LoggerMessage(EventId = 107, Level = LogLevel.Error, Message = "Claiming from the queue failed unexpectedly ({Kind}); retrying in {RetryDelay}")]
    private static partial void LogClaimFailedUnexpected(ILogger logger, Exception exception, WorldFaultKind kind, TimeSpan retryDelay);

    [LoggerMessage(EventId = 108, Level = LogLevel.Information, Message = "Claiming from the queue works again")]
    private static partial void LogClaimRecovered(ILogger logger);

    [LoggerMessage(EventId = 109, Level = LogLevel.Warning, Message = "Claim circuit opened after repeated failures; claiming paused for {BreakDuration}")]
    private static partial void LogCircuitOpened(ILogger logger, TimeSpan breakDuration);

    [LoggerMessage(EventId = 110, Level = LogLevel.Information, Message = "Claim circuit half-open; trying one claim")]
    private static partial void LogCircuitHalfOpened(ILogger logger);

    [LoggerMessage(EventId = 111, Level = LogLevel.Information, Message = "Claim circuit closed; claiming resumed")]
    private static partial void LogCircuitClosed(ILogger logger);

    [LoggerMessage(EventId = 112, Level = LogLevel.Error, Message = "The lease of message {MessageId} on {QueueName} could not be renewed and may lapse; cancelling its handler before another consumer can take it")]
    private static partial void LogLeaseLostRunning(ILogger logger, string messageId, string queueName);

    [LoggerMessage(EventId = 113, Level = LogLevel.Error, Message = "The handler of message {MessageId} on {QueueName} ignored cancellation for {GracePeriod}; releasing its message without it")]
    private static partial void LogHandlerAbandoned(ILogger logger, string messageId, string queueName, TimeSpan gracePeriod);

    [LoggerMessage(EventId = 114, Level = LogLevel.Warning, Message = "Waiting for a queue wake-up failed; polling instead")]
    private static partial void LogWaitFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 115, Level = LogLevel.Warning, Message = "Message {MessageId} on {QueueName} was claimed again while an earlier delivery of it still runs here (its lease lapsed); cancelling that delivery and waiting for it first")]
    private static partial void LogStaleDelivery(ILogger logger, string messageId, string queueName);
}
