using World.Backends;

namespace World.InMemory.Storage;

/// <summary>Hook reads. Index hits are confirmed under the owning run's lock, so a hook is visible exactly when its creation has committed.</summary>
internal sealed class InMemoryHookStore(InMemoryState state) : IHookStore
{
    public Task<Hook> GetAsync(string hookId, ReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        state.ThrowIfDisposed();
        var mode = ReadRules.ValidateGetHook(hookId, options);
        var entry = state.Hooks.FindById(hookId).FirstOrDefault(IsLive) ?? throw new HookNotFoundException(hookId);
        return Task.FromResult(World.Backends.DataResolution.Apply(entry.Hook, mode));
    }

    public Task<Hook> GetByTokenAsync(string token, ReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        state.ThrowIfDisposed();
        var mode = ReadRules.ValidateGetHookByToken(token, options);
        var entry = state.Hooks.FindByToken(token);
        if (entry is null || !IsLive(entry))
        {
            throw new HookNotFoundException(token, byToken: true);
        }

        return Task.FromResult(World.Backends.DataResolution.Apply(entry.Hook, mode));
    }

    public Task<Page<Hook>> ListAsync(HookQuery? query = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        state.ThrowIfDisposed();
        (query, var page) = ReadRules.ValidateHookQuery(query);
        List<HookEntry> entries;
        if (query.RunId is not null)
        {
            var run = state.FindRun(query.RunId);
            if (run is null)
            {
                entries = [];
            }
            else
            {
                lock (run.Gate)
                {
                    entries = [.. run.Hooks];
                }
            }
        }
        else
        {
            entries = state.Hooks.All.Where(IsLive).ToList();
        }

        entries.Sort(static (a, b) => string.CompareOrdinal(a.SortKey, b.SortKey));
        return Task.FromResult(ListPaging.Paginate(
            entries,
            static entry => entry.SortKey,
            page,
            CursorListing.Hooks,
            query.RunId ?? PageCursor.Unscoped,
            entry => World.Backends.DataResolution.Apply(entry.Hook, query.ResolveData)));
    }

    private bool IsLive(HookEntry entry)
    {
        var run = state.FindRun(entry.Hook.RunId);
        if (run is null)
        {
            return false;
        }

        lock (run.Gate)
        {
            return run.HoldsHook(entry);
        }
    }
}
