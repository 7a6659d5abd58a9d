namespace World.Postgres.Storage;

/// <summary>
/// In-process wake-ups for <see cref="IRunStore.WaitForTerminalStatusAsync"/>: when this World commits a run's end it
/// wakes the run's waiters at once; ends committed elsewhere are found by polling. Entries exist only while a run has
/// waiters, so the table stays as small as the number of waits in progress.
/// </summary>
internal sealed class RunEndSignals
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public Task Register(string runId)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(runId, out var entry))
            {
                entry = new Entry();
                _entries.Add(runId, entry);
            }

            entry.Waiters++;
            return entry.Ended.Task;
        }
    }

    public void Unregister(string runId, Task registration)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(runId, out var entry) && entry.Ended.Task == registration && --entry.Waiters == 0)
            {
                _entries.Remove(runId);
            }
        }
    }

    public void Signal(string runId)
    {
        Entry? entry;
        lock (_gate)
        {
            if (!_entries.Remove(runId, out entry))
            {
                return;
            }
        }

        entry.Ended.TrySetResult();
    }

    private sealed class Entry
    {
        public TaskCompletionSource Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Waiters { get; set; }
    }
}
