using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace World.Postgres.Queue;

/// <summary>
/// At most one NOTIFY per queue per window from this process. A transaction with a pending NOTIFY takes a
/// database-wide lock at commit, which serializes committing enqueues; under load almost every enqueue can skip it.
/// The first enqueue of a window notifies inline (so an idle consumer wakes at once); later ones in the window skip,
/// and one trailing NOTIFY, sent after the window and after their commits, wakes anyone they would have woken.
/// </summary>
internal sealed partial class NotifyDebouncer(NpgsqlDataSource dataSource, string notifySql, TimeProvider timeProvider, TimeSpan window, ILogger logger)
{
    private readonly ConcurrentDictionary<string, Entry> _queues = new(StringComparer.Ordinal);

    /// <summary>Whether this enqueue should carry its own NOTIFY. When false, call <see cref="AfterCommit"/> once it commits.</summary>
    public bool ShouldNotifyInline(string queueName)
    {
        var entry = _queues.GetOrAdd(queueName, static _ => new Entry());
        var now = timeProvider.GetTimestamp();
        var last = Interlocked.Read(ref entry.LastNotify);
        return (last == 0 || timeProvider.GetElapsedTime(last, now) >= window)
            && Interlocked.CompareExchange(ref entry.LastNotify, now, last) == last;
    }

    /// <summary>A committed enqueue skipped its NOTIFY: make sure one follows within the window.</summary>
    public void AfterCommit(string queueName)
    {
        var entry = _queues.GetOrAdd(queueName, static _ => new Entry());
        if (Interlocked.Exchange(ref entry.TrailingScheduled, 1) == 0)
        {
            _ = SendTrailingAsync(queueName, entry);
        }
    }

    private async Task SendTrailingAsync(string queueName, Entry entry)
    {
        try
        {
            await Task.Delay(window, timeProvider).ConfigureAwait(false);
            Interlocked.Exchange(ref entry.TrailingScheduled, 0);
            Interlocked.Exchange(ref entry.LastNotify, timeProvider.GetTimestamp());
            await using var command = dataSource.CreateCommand(notifySql);
            command.Parameters.Add(new NpgsqlParameter { Value = queueName });
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        catch (NpgsqlException exception)
        {
            // Consumers still find the message at their poll interval.
            LogTrailingNotifyFailed(logger, exception, queueName);
        }
    }

    private sealed class Entry
    {
        public long LastNotify;
        public int TrailingScheduled;
    }

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "A trailing NOTIFY for queue {QueueName} failed; idle consumers find its messages by polling")]
    private static partial void LogTrailingNotifyFailed(ILogger logger, Exception exception, string queueName);
}
