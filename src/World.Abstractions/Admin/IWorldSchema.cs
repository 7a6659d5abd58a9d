namespace World;

/// <summary>
/// A World whose storage has a versioned schema (PostgreSQL). The admin API reads and migrates it through this
/// interface; a World without one (in memory) does not implement it.
/// </summary>
public interface IWorldSchema
{
    /// <summary>The schema's applied version against the latest this build knows.</summary>
    Task<SchemaStatus> GetSchemaStatusAsync(CancellationToken cancellationToken = default);

    /// <summary>Applies pending migrations and returns the status after them.</summary>
    Task<SchemaStatus> MigrateSchemaAsync(CancellationToken cancellationToken = default);
}
