using Microsoft.Extensions.Logging;
using Npgsql;

namespace World.Postgres;

/// <summary>
/// Applies the embedded migrations in one transaction under a transaction-scoped advisory lock keyed by the schema
/// name: concurrent migrators (two processes starting at once) queue on the lock, and the second finds the work done.
/// A failed migration rolls back entirely, so the schema is never half-applied.
/// </summary>
internal sealed partial class PostgresMigrator(NpgsqlDataSource dataSource, string schema, ILogger logger)
{
    private readonly string _quotedSchema = PostgresIdentifier.Quote(schema);

    public async Task<MigrationResult> MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock(hashtextextended('world.migrate:' || $1, 0))")
            {
                Parameters = { new NpgsqlParameter { Value = schema } },
            });
            batch.BatchCommands.Add(new NpgsqlBatchCommand($"CREATE SCHEMA IF NOT EXISTS {_quotedSchema}"));
            batch.BatchCommands.Add(new NpgsqlBatchCommand(
                $"""
                CREATE TABLE IF NOT EXISTS {_quotedSchema}.schema_migrations (
                    version    integer PRIMARY KEY,
                    name       text NOT NULL,
                    checksum   text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now())
                """));
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var applied = await ReadAppliedAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        var previous = applied.Count == 0 ? 0 : applied.Keys.Max();
        var pending = new List<Migration>();
        foreach (var migration in MigrationCatalog.All)
        {
            if (applied.TryGetValue(migration.Version, out var checksum))
            {
                if (!string.Equals(checksum, migration.Checksum, StringComparison.Ordinal))
                {
                    throw new SchemaMigrationException(
                        $"Migration {migration.Name} was applied to schema '{schema}' with different text (checksum {checksum}, this build has {migration.Checksum}). Applied migrations must never be edited; add a new migration instead.");
                }

                continue;
            }

            pending.Add(migration);
        }

        foreach (var migration in pending)
        {
            await using var command = new NpgsqlCommand(migration.SqlFor(_quotedSchema), connection, transaction);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await using var record = new NpgsqlCommand($"INSERT INTO {_quotedSchema}.schema_migrations (version, name, checksum) VALUES ($1, $2, $3)", connection, transaction)
            {
                Parameters =
                {
                    new NpgsqlParameter { Value = migration.Version },
                    new NpgsqlParameter { Value = migration.Name },
                    new NpgsqlParameter { Value = migration.Checksum },
                },
            };
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            LogApplied(logger, migration.Name, schema);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        var current = Math.Max(previous, pending.Count == 0 ? previous : pending[^1].Version);
        if (current > MigrationCatalog.LatestVersion)
        {
            // A newer build migrated this schema. Migrations only add, so an older build keeps working during a rolling deploy.
            LogNewerSchema(logger, schema, current, MigrationCatalog.LatestVersion);
        }

        return new MigrationResult(previous, current, pending);
    }

    /// <summary>The highest applied version, 0 when the schema has never been migrated.</summary>
    public async Task<int> ReadVersionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var exists = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL", connection)
        {
            Parameters = { new NpgsqlParameter { Value = _quotedSchema + ".schema_migrations" } },
        };
        if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
        {
            return 0;
        }

        await using var version = new NpgsqlCommand($"SELECT coalesce(max(version), 0) FROM {_quotedSchema}.schema_migrations", connection);
        return (int)(await version.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private async Task<Dictionary<int, string>> ReadAppliedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT version, checksum FROM {_quotedSchema}.schema_migrations", connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var applied = new Dictionary<int, string>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            applied.Add(reader.GetInt32(0), reader.GetString(1));
        }

        return applied;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Applied migration {Migration} to schema {Schema}")]
    private static partial void LogApplied(ILogger logger, string migration, string schema);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Schema {Schema} is at version {Version}, newer than this build's {Latest}")]
    private static partial void LogNewerSchema(ILogger logger, string schema, int version, int latest);
}
