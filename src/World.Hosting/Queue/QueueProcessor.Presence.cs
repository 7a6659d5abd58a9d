using Microsoft.Extensions.Logging;
using World.Diagnostics;

namespace World.Queue;

// Presence: the processor tells the World it listens (so dispatch status can say "no consumer" or "at capacity"),
// and samples its queues' backlog for the world.queue.messages gauges while someone collects them. Both are
// best effort: a failure is logged and retried at the next interval, and never stops consuming.
public sealed partial class QueueProcessor
{
    /// <summary>
    /// The id this processor reports itself under: its owner name plus an instance suffix, because several processors
    /// (two workers of one process, say) may share an owner name and must not replace or remove each other's report.
    /// </summary>
    public string ConsumerId { get; }

    private async Task ReportPresenceAsync(CancellationToken stopping)
    {
        var timeToLive = _options.PresenceInterval * 3;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var report = new ConsumerReport(ConsumerId, _options.Queues, _options.Concurrency, Math.Min(_inFlight.Count, _options.Concurrency), timeToLive);
                await _queue.ReportConsumerAsync(report, stopping).ConfigureAwait(false);
                if (QueueTelemetry.BacklogCollected)
                {
                    await SampleBacklogAsync(stopping).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogPresenceFailed(_logger, exception, WorldFaults.Classify(exception));
            }

            try
            {
                await Task.Delay(_options.PresenceInterval, _time, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task SampleBacklogAsync(CancellationToken stopping)
    {
        IReadOnlyList<QueueStats> stats;
        try
        {
            stats = await _queue.GetStatsAsync(_options.Queues, stopping).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !stopping.IsCancellationRequested)
        {
            QueueTelemetry.BacklogUnavailable(_options.Queues);
            throw;
        }

        QueueTelemetry.RecordBacklog(stats);
    }

    private async Task RemovePresenceAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(_options.FaultRetryMaxDelay, _time);
            await _queue.RemoveConsumerAsync(ConsumerId, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // The report lapses by itself within three presence intervals.
            LogPresenceFailed(_logger, exception, WorldFaults.Classify(exception));
        }
    }

    private static readonly Func<ILogger, string, string, int, IDisposable?> DeliveryScope =
        LoggerMessage.DefineScope<string, string, int>("Queue {QueueName} message {MessageId} attempt {Attempt}");

    [LoggerMessage(EventId = 116, Level = LogLevel.Warning, Message = "Reporting this consumer's presence or reading its queues' backlog failed ({Kind}); retrying at the next interval")]
    private static partial void LogPresenceFailed(ILogger logger, Exception exception, WorldFaultKind kind);
}
