using System.Collections.Concurrent;

namespace World.Postgres.Schedules;

/// <summary>
/// Parsed definitions of the schedules a claim reads, reused while their stored bytes are unchanged. A claim pass reads
/// every due schedule; parsing its JSON each time, and compiling its cron and zone again (which
/// <c>ScheduleRules</c> caches per definition instance), was a measured share of the cost of a fire.
/// </summary>
internal sealed class ScheduleDefinitionCache
{
    // A bound on memory, not a tuning knob: beyond it the cache starts over (schedules deleted by other processes stay
    // in it until then).
    private const int MaxEntries = 100_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>The definition stored as <paramref name="json"/> and <paramref name="input"/>; null when the JSON does not parse.</summary>
    public ScheduleDefinition? GetOrParse(string scheduleId, byte[] json, byte[] input)
    {
        if (_entries.TryGetValue(scheduleId, out var entry) && entry.Json.AsSpan().SequenceEqual(json) && entry.Input.AsSpan().SequenceEqual(input))
        {
            return entry.Definition;
        }

        var definition = ScheduleRows.ParseDefinition(scheduleId, json, input);
        if (definition is null)
        {
            _entries.TryRemove(scheduleId, out _);
            return null;
        }

        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear();
        }

        _entries[scheduleId] = new Entry(json, input, definition);
        return definition;
    }

    public void Remove(string scheduleId) => _entries.TryRemove(scheduleId, out _);

    private sealed record Entry(byte[] Json, byte[] Input, ScheduleDefinition Definition);
}
