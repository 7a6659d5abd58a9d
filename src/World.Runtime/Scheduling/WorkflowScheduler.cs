using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using World.Runtime.Execution;
using World.Runtime.Scheduling;
using World.Backends;

namespace World.Runtime;

/// <summary>
/// The scheduler loop of the hosted runtime, run by the <see cref="WorkflowWorker"/> beside its queue processing (unless
/// <see cref="WorkflowSchedulerOptions.Enabled"/> is false): upserts the schedules declared in code, then fires due
/// schedules with the shared <see cref="ScheduleFirer"/>, enqueuing each created run like a started one. Any number of
/// processes may run it; a tick still creates exactly one run (the World keys fires by tick).
/// </summary>
/// <remarks>
/// The loop never dies of the World: a failed pass is logged, counted and retried with exponential back-off and jitter,
/// and <see cref="Health"/> (the heartbeat, also a health check and metrics) says when it last succeeded and how late
/// fires are.
/// </remarks>
public sealed partial class WorkflowScheduler
{
    private readonly WorkflowEngine _engine;
    private readonly WorkflowClient _client;
    private readonly IReadOnlyList<ScheduleRegistration> _registrations;
    private readonly WorkflowSchedulerOptions _options;
    private readonly ILogger<WorkflowScheduler> _logger;
    private volatile WorkflowSchedulerHealth _health = new(null, TimeSpan.Zero, 0, null, 0);

    internal WorkflowScheduler(WorkflowEngine engine, WorkflowClient client, IEnumerable<ScheduleRegistration> registrations, WorkflowSchedulerOptions options, ILogger<WorkflowScheduler> logger)
    {
        _engine = engine;
        _client = client;
        _registrations = registrations.ToList();
        _options = options;
        _logger = logger;
        SchedulerTelemetry.Observe(() => _health);
    }

    /// <summary>The heartbeat.</summary>
    public WorkflowSchedulerHealth Health => _health;

    /// <summary>The options.</summary>
    public WorkflowSchedulerOptions Options => _options;

    /// <summary>Whether this process runs the loop: the hosted worker runs (<see cref="WorkflowRuntimeOptions.EnableWorker"/>) and the scheduler is enabled.</summary>
    public bool Running => _options.Enabled && _engine.Options.EnableWorker;

    /// <summary>Runs one pass now (also what the loop does); returns what it did.</summary>
    public async Task<ScheduleFireBatch> FireDueAsync(CancellationToken cancellationToken = default)
    {
        var batch = await Firer.FireDueAsync(cancellationToken).ConfigureAwait(false);
        var now = _engine.Time.GetUtcNow();
        var lag = TimeSpan.Zero;
        foreach (var fire in batch.Fires)
        {
            var late = now - fire.FireAt;
            lag = late > lag ? late : lag;
            SchedulerTelemetry.FireLag.Record(Math.Max(0, late.TotalSeconds));
            SchedulerTelemetry.Fired.Add(1, new KeyValuePair<string, object?>(SchedulerTelemetry.TriggerTag, ScheduleAttributes.TriggerText(fire.Kind)));
        }

        foreach (var scheduleId in batch.Repaired)
        {
            // Self-healing is not silent: a schedule that lost its next fire time is a sign of a manual edit or a bug.
            LogRepaired(_logger, scheduleId);
            SchedulerTelemetry.Repaired.Add(1);
        }

        _health = new WorkflowSchedulerHealth(now, lag, 0, null, _health.Repaired + batch.Repaired.Count);
        return batch;
    }

    /// <summary>
    /// Upserts the schedules declared in code. A definition the World refuses (invalid cron or zone) is logged as an
    /// error and skipped, so one bad declaration does not keep the others from firing; World failures propagate.
    /// </summary>
    /// <returns>The ids of declarations that were refused.</returns>
    public async Task<IReadOnlyList<string>> UpsertDeclaredAsync(CancellationToken cancellationToken = default)
    {
        var refused = new List<string>();
        foreach (var registration in _registrations)
        {
            var definition = registration.Build(_engine.Serializer);
            try
            {
                var schedule = await _engine.World.Schedules.UpsertAsync(definition, cancellationToken).ConfigureAwait(false);
                LogDeclared(_logger, schedule.ScheduleId, schedule.State.Enabled, schedule.State.NextFireAt);
            }
            catch (WorldValidationException invalid)
            {
                LogDeclarationRefused(_logger, invalid, definition.ScheduleId, invalid.Code);
                refused.Add(definition.ScheduleId);
            }
        }

        return refused;
    }

    private ScheduleFirer Firer => field ??= new ScheduleFirer(_engine.World, new ScheduleFirerOptions
    {
        DeploymentId = _engine.Options.DeploymentId,
        Owner = _engine.Options.WorkerName ?? $"{Environment.MachineName}/{Environment.ProcessId}",
        BatchSize = _options.BatchSize,
        Lease = _options.Lease,
        OnRunCreated = (runId, token) => _engine.EnqueueAsync(runId, wake: false, token),
        CancelRun = CancelPreviousAsync,
    });

    /// <summary>The loop, run by the worker until <paramref name="stoppingToken"/> fires; returns at once when not <see cref="Running"/>.</summary>
    internal async Task RunAsync(CancellationToken stoppingToken)
    {
        if (!Running)
        {
            return;
        }

        try
        {
            await Resilient(int.MaxValue).ExecuteAsync(async token => await UpsertDeclaredAsync(token).ConfigureAwait(false), stoppingToken).ConfigureAwait(false);
            var failures = 0;
            while (!stoppingToken.IsCancellationRequested)
            {
                TimeSpan wait;
                try
                {
                    var batch = await FireDueAsync(stoppingToken).ConfigureAwait(false);
                    failures = 0;

                    // A full batch means more is due: go again at once; otherwise sleep until the next poll.
                    wait = batch.Claimed >= _options.BatchSize ? TimeSpan.Zero : _options.PollInterval;
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    failures++;
                    var kind = WorldFaults.Classify(exception);
                    wait = Backoff(failures);
                    SchedulerTelemetry.Failures.Add(1);
                    LogPassFailed(_logger, exception, kind, wait);
                    _health = _health with { ConsecutiveFailures = failures, LastError = $"{kind}: {exception.Message}" };
                }

                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _engine.Time, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private TimeSpan Backoff(int failures)
    {
        var exponential = TimeSpan.FromMilliseconds(200 * Math.Pow(2, Math.Min(failures - 1, 16)));
        var capped = exponential < _options.MaxRetryDelay ? exponential : _options.MaxRetryDelay;

        // Jitter spreads the retries of many scheduler processes after a shared database outage.
#pragma warning disable CA5394 // Not security sensitive.
        return capped * (0.5 + (Random.Shared.NextDouble() / 2));
#pragma warning restore CA5394
    }

    private ResiliencePipeline Resilient(int attempts) => new ResiliencePipelineBuilder { TimeProvider = _engine.Time }
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(static exception => exception is not OperationCanceledException and not InvalidScheduleException),
            MaxRetryAttempts = attempts,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(200),
            MaxDelay = _options.MaxRetryDelay,
            OnRetry = arguments =>
            {
                var exception = arguments.Outcome.Exception!;
                var kind = WorldFaults.Classify(exception);
                LogPassFailed(_logger, exception, kind, arguments.RetryDelay);
                _health = _health with { ConsecutiveFailures = arguments.AttemptNumber + 1, LastError = $"{kind}: {exception.Message}" };
                return ValueTask.CompletedTask;
            },
        })
        .Build();

    private async Task CancelPreviousAsync(string runId, CancellationToken cancellationToken)
    {
        try
        {
            await _client.CancelAsync(runId, cancellationToken).ConfigureAwait(false);
        }
        catch (WorldException ended) when (ended is EntityConflictException or RunExpiredException or RunNotFoundException)
        {
            // The previous run ended on its own: nothing to cancel.
        }
    }

    [LoggerMessage(EventId = 240, Level = LogLevel.Information, Message = "Schedule {ScheduleId} declared in code is upserted (enabled: {Enabled}, next fire: {NextFireAt})")]
    private static partial void LogDeclared(ILogger logger, string scheduleId, bool enabled, DateTimeOffset? nextFireAt);

    [LoggerMessage(EventId = 243, Level = LogLevel.Error, Message = "Schedule {ScheduleId} declared in code was refused ({Code}); it is not stored or enabled")]
    private static partial void LogDeclarationRefused(ILogger logger, Exception exception, string scheduleId, string code);

    [LoggerMessage(EventId = 241, Level = LogLevel.Warning, Message = "Schedule {ScheduleId} had no valid next fire time; it was recomputed")]
    private static partial void LogRepaired(ILogger logger, string scheduleId);

    [LoggerMessage(EventId = 242, Level = LogLevel.Warning, Message = "Scheduler pass failed ({Kind}); retrying in {RetryDelay}")]
    private static partial void LogPassFailed(ILogger logger, Exception exception, WorldFaultKind kind, TimeSpan retryDelay);
}
