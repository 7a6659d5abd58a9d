using System.Collections.Concurrent;
using System.Collections.Immutable;
using World.Backends;

namespace World.InMemory.Storage;

/// <summary>
/// The cross-run index of live hooks: token ownership (the uniqueness guard) and lookup by id. Lock-free; an entry
/// becomes visible to readers only once its run's state holds it, which readers confirm under the run's lock.
/// </summary>
internal sealed class HookIndex
{
    private readonly ConcurrentDictionary<string, HookEntry> _byToken = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ImmutableList<HookEntry>> _byId = new(StringComparer.Ordinal);

    /// <summary>The live hook holding <paramref name="token"/>, if any.</summary>
    public HookTokenHolder? HolderOf(string token) =>
        _byToken.TryGetValue(token, out var entry) ? new HookTokenHolder(entry.Hook.RunId, entry.Hook.HookId) : null;

    /// <summary>Atomically claims the entry's token; false when another hook holds it.</summary>
    public bool TryClaim(HookEntry entry) => _byToken.TryAdd(entry.Hook.Token, entry);

    /// <summary>Makes a claimed entry findable by id.</summary>
    public void Publish(HookEntry entry) =>
        _byId.AddOrUpdate(entry.Hook.HookId, static (_, e) => [e], static (_, list, e) => list.Add(e), entry);

    /// <summary>Frees the entry's token and removes it from the id index.</summary>
    public void Release(HookEntry entry)
    {
        _byToken.TryRemove(new KeyValuePair<string, HookEntry>(entry.Hook.Token, entry));
        while (_byId.TryGetValue(entry.Hook.HookId, out var list))
        {
            var remaining = list.Remove(entry);
            var done = remaining.IsEmpty
                ? _byId.TryRemove(new KeyValuePair<string, ImmutableList<HookEntry>>(entry.Hook.HookId, list))
                : _byId.TryUpdate(entry.Hook.HookId, remaining, list);
            if (done)
            {
                break;
            }
        }
    }

    /// <summary>The entry holding a token, not yet confirmed against its run.</summary>
    public HookEntry? FindByToken(string token) => _byToken.GetValueOrDefault(token);

    /// <summary>Entries with a hook id, oldest first, not yet confirmed against their runs.</summary>
    public IEnumerable<HookEntry> FindById(string hookId) =>
        _byId.TryGetValue(hookId, out var list) ? list.OrderBy(e => e.SortKey, StringComparer.Ordinal) : [];

    /// <summary>Every entry, unordered, not yet confirmed against their runs.</summary>
    public IEnumerable<HookEntry> All => _byToken.Values;
}
