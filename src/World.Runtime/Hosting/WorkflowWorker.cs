using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using World.Queue;
using World.Runtime.Execution;

namespace World.Runtime;

/// <summary>
/// The hosted worker: recovers runs left without an invocation message, then processes invocations from the queue
/// with bounded concurrency, lease heartbeats and a graceful drain on shutdown.
/// </summary>
public sealed partial class WorkflowWorker : BackgroundService
{
    private readonly WorkflowEngine _engine;
    private readonly ILogger<WorkflowWorker> _logger;

    internal WorkflowWorker(WorkflowEngine engine, ILogger<WorkflowWorker> logger)
    {
        _engine = engine;
        _logger = logger;
    }

    /// <summary>Enqueues every pending or running run that has no live invocation message; returns how many runs were checked.</summary>
    public Task<int> RecoverAsync(CancellationToken cancellationToken = default) => _engine.RecoverAsync(cancellationToken);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = _engine.Options;
        if (!options.EnableWorker)
        {
            return;
        }

        if (options.RecoverOnStart)
        {
            // Runs whose message was lost (a crash between creating a run and enqueuing it) or that slept through a
            // downtime are picked up again; runs with a live message keep it as it is.
            var recovered = await _engine.RecoverAsync(stoppingToken).ConfigureAwait(false);
            LogRecovered(_logger, recovered);
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
                Owner = options.WorkerName ?? $"{Environment.MachineName}/{Environment.ProcessId}",
            },
            _engine.HandleAsync,
            _engine.Time,
            _logger);
        await processor.RunAsync(stoppingToken).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 220, Level = LogLevel.Information, Message = "Workflow worker checked {Count} unfinished runs for a live invocation")]
    private static partial void LogRecovered(ILogger logger, int count);
}
