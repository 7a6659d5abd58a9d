using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using World.Queue;
using World.Runtime.Execution;

namespace World.Runtime;

/// <summary>
/// The hosted worker: recovers runs left without an invocation message, then processes invocations from the queue
/// with bounded concurrency, lease heartbeats and a graceful drain on shutdown; beside that it runs the scheduler loop
/// (<see cref="WorkflowScheduler"/>) unless <see cref="WorkflowSchedulerOptions.Enabled"/> is false.
/// </summary>
/// <remarks>
/// The worker never stops because of the World: start-up recovery is retried with backoff until it succeeds, and the
/// queue processor retries failing claims behind a circuit breaker. <see cref="Health"/> (and the health check added
/// by <c>AddWorkflowWorker()</c>) tells an operator when it is struggling and why.
/// </remarks>
public sealed partial class WorkflowWorker : BackgroundService
{
    private readonly WorkflowEngine _engine;
    private readonly WorkflowScheduler _scheduler;
    private readonly ILogger<WorkflowWorker> _logger;
    private volatile QueueProcessor? _processor;
    private volatile QueueProcessorHealth? _startupHealth;

    internal WorkflowWorker(WorkflowEngine engine, WorkflowScheduler scheduler, ILogger<WorkflowWorker> logger)
    {
        _engine = engine;
        _scheduler = scheduler;
        _logger = logger;
    }

    /// <summary>
    /// The worker's health: its queue processor's once processing, or the state of start-up recovery before that.
    /// Null while the worker is disabled or has not started.
    /// </summary>
    public QueueProcessorHealth? Health => _processor?.Health ?? _startupHealth;

    /// <summary>Enqueues every pending or running run that has no live invocation message; returns how many runs were checked.</summary>
    public Task<int> RecoverAsync(CancellationToken cancellationToken = default) => _engine.RecoverAsync(cancellationToken);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_engine.Options.EnableWorker)
        {
            return;
        }

        // The scheduler loop starts at once, beside start-up recovery: firing due schedules does not wait for it.
        await Task.WhenAll(ProcessAsync(stoppingToken), _scheduler.RunAsync(stoppingToken)).ConfigureAwait(false);
    }

    private async Task ProcessAsync(CancellationToken stoppingToken)
    {
        var options = _engine.Options;
        try
        {
            if (options.RecoverOnStart)
            {
                await RecoverUntilDoneAsync(stoppingToken).ConfigureAwait(false);
            }

            var processor = new QueueProcessor(
                _engine.World.Queue,
                new QueueProcessorOptions
                {
                    Queues = [options.QueueName],
                    Concurrency = options.Concurrency,
                    LeaseDuration = options.LeaseDuration,
                    HeartbeatInterval = options.HeartbeatInterval,
                    PollInterval = options.PollInterval,
                    ShutdownTimeout = options.ShutdownTimeout,
                    CancellationGracePeriod = options.CancellationGracePeriod,
                    FaultRetryMaxDelay = options.FaultRetryMaxDelay,
                    CircuitBreakDuration = options.CircuitBreakDuration,
                    PresenceInterval = options.PresenceInterval,
                    Owner = options.WorkerName ?? $"{Environment.MachineName}/{Environment.ProcessId}",
                },
                _engine.HandleAsync,
                _engine.Time,
                _logger);
            _processor = processor;
            await processor.RunAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopped during start-up recovery.
        }
    }

    /// <summary>
    /// Fails runs whose invocation was dead-lettered, then re-enqueues runs that lost their message (a crash between
    /// creating a run and enqueuing it) or slept through a downtime; runs with a live message keep it as it is.
    /// Retried with backoff until it succeeds: a worker started while the database is down waits for it.
    /// </summary>
    private async Task RecoverUntilDoneAsync(CancellationToken stoppingToken)
    {
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = _engine.Time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(static exception => exception is not OperationCanceledException),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(200),
                MaxDelay = TimeSpan.FromSeconds(30),
                OnRetry = arguments =>
                {
                    var exception = arguments.Outcome.Exception!;
                    var kind = WorldFaults.Classify(exception);
                    LogRecoveryFailed(_logger, exception, kind, arguments.RetryDelay);
                    _startupHealth = new QueueProcessorHealth(
                        kind == WorldFaultKind.Transient ? QueueProcessorState.Degraded : QueueProcessorState.Unhealthy,
                        $"Start-up recovery fails ({kind}): {exception.Message}",
                        _startupHealth?.Since ?? _engine.Time.GetUtcNow(),
                        arguments.AttemptNumber + 1,
                        CircuitOpen: false,
                        AbandonedHandlers: 0);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
        await pipeline.ExecuteAsync(
            async token =>
            {
                var failed = await _engine.FailDeadLetteredRunsAsync(token).ConfigureAwait(false);
                if (failed > 0)
                {
                    LogDeadLetteredRunsFailed(_logger, failed);
                }

                var recovered = await _engine.RecoverAsync(token).ConfigureAwait(false);
                LogRecovered(_logger, recovered);
            },
            stoppingToken).ConfigureAwait(false);
        _startupHealth = null;
    }

    [LoggerMessage(EventId = 220, Level = LogLevel.Information, Message = "Workflow worker checked {Count} unfinished runs for a live invocation")]
    private static partial void LogRecovered(ILogger logger, int count);

    [LoggerMessage(EventId = 221, Level = LogLevel.Warning, Message = "Workflow worker start-up recovery failed ({Kind}); retrying in {RetryDelay}")]
    private static partial void LogRecoveryFailed(ILogger logger, Exception exception, WorldFaultKind kind, TimeSpan retryDelay);

    [LoggerMessage(EventId = 222, Level = LogLevel.Warning, Message = "Workflow worker failed {Count} runs whose invocation had been dead-lettered")]
    private static partial void LogDeadLetteredRunsFailed(ILogger logger, int count);
}
