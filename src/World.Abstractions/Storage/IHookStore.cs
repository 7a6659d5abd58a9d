namespace World;

/// <summary>Read access to live hooks. Hooks change only through <see cref="IEventStore.CreateAsync"/>.</summary>
public interface IHookStore
{
    /// <summary>Gets a live hook by id.</summary>
    /// <exception cref="HookNotFoundException">No live hook has this id.</exception>
    Task<Hook> GetAsync(string hookId, ReadOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Gets the live hook holding <paramref name="token"/>.</summary>
    /// <exception cref="HookNotFoundException">No live hook holds the token.</exception>
    Task<Hook> GetByTokenAsync(string token, ReadOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Lists live hooks in creation order, oldest first by default.</summary>
    Task<Page<Hook>> ListAsync(HookQuery? query = null, CancellationToken cancellationToken = default);
}
