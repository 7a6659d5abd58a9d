namespace World.Postgres;

/// <summary>What <see cref="PostgresWorld.MigrateAsync"/> did.</summary>
/// <param name="PreviousVersion">The schema version before the call (0 for an empty database).</param>
/// <param name="CurrentVersion">The schema version after the call.</param>
/// <param name="Applied">The migrations this call applied, in order; empty when the schema was current.</param>
public sealed record MigrationResult(int PreviousVersion, int CurrentVersion, IReadOnlyList<Migration> Applied);
