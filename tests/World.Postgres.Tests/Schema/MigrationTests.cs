using Npgsql;

namespace World.Postgres.Tests.Schema;

public sealed class MigrationTests(PostgresFixture postgres)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Migrating_an_empty_database_applies_every_migration_and_records_it()
    {
        await using var world = postgres.CreateWorld(TimeProvider.System);
        Assert.Equal(0, await world.ReadSchemaVersionAsync(Cancellation));

        var result = await world.MigrateAsync(Cancellation);

        Assert.Equal(0, result.PreviousVersion);
        Assert.Equal(MigrationCatalog.LatestVersion, result.CurrentVersion);
        Assert.Equal(MigrationCatalog.All.Select(m => m.Name), result.Applied.Select(m => m.Name));
        Assert.Equal(MigrationCatalog.LatestVersion, await world.ReadSchemaVersionAsync(Cancellation));
        var tables = await ScalarListAsync($"SELECT table_name::text FROM information_schema.tables WHERE table_schema = '{world.Schema}' ORDER BY 1");
        Assert.Equal(["dead_letters", "events", "hooks", "queue_consumers", "queue_messages", "queue_policies", "runs", "schedule_fires", "schedules", "schema_migrations", "steps", "stream_chunks", "streams", "waits"], tables);
        var checksums = await ScalarListAsync($"SELECT checksum FROM \"{world.Schema}\".schema_migrations ORDER BY version");
        Assert.Equal(MigrationCatalog.All.Select(m => m.Checksum), checksums);
    }

    [Fact]
    public async Task Schema_status_names_the_pending_migrations_until_migrated()
    {
        await using var world = postgres.CreateWorld(TimeProvider.System);
        IWorldSchema schema = world;

        var before = await schema.GetSchemaStatusAsync(Cancellation);
        var after = await schema.MigrateSchemaAsync(Cancellation);

        Assert.Equal((true, 0, MigrationCatalog.LatestVersion, false), (before.Managed, before.CurrentVersion, before.LatestVersion, before.IsCurrent));
        Assert.Equal(MigrationCatalog.All.Select(m => m.Name), before.PendingMigrations);
        Assert.Equal((MigrationCatalog.LatestVersion, true), (after.CurrentVersion, after.IsCurrent));
        Assert.Empty(after.PendingMigrations);
    }

    [Fact]
    public async Task Run_filters_by_attribute_and_creation_time_can_use_their_indexes()
    {
        await using var world = postgres.CreateWorld(TimeProvider.System);
        await world.MigrateAsync(Cancellation);
        var runs = $"\"{world.Schema}\".runs";
        var attributes = $"\"{world.Schema}\".run_attributes_json(attributes)";

        // With sequential scans priced out, a plan that still scans the table would mean no index can serve the filter.
        var byAttribute = await PlanAsync($"SELECT run_id FROM {runs} WHERE attributes IS NOT NULL AND {attributes} @> '{{\"$parentRunId\":\"wrun_x\"}}'::jsonb ORDER BY run_id DESC LIMIT 21");
        var byCreation = await PlanAsync($"SELECT run_id FROM {runs} WHERE created_at >= now() - interval '1 hour' AND created_at < now() ORDER BY run_id DESC LIMIT 21");

        Assert.Contains("runs_by_attributes", byAttribute, StringComparison.Ordinal);
        Assert.Contains("runs_by_created_at", byCreation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrating_again_is_a_no_op()
    {
        await using var world = postgres.CreateWorld(TimeProvider.System);
        await world.MigrateAsync(Cancellation);

        var again = await world.MigrateAsync(Cancellation);

        Assert.Empty(again.Applied);
        Assert.Equal(MigrationCatalog.LatestVersion, again.PreviousVersion);
        Assert.Equal(MigrationCatalog.LatestVersion, again.CurrentVersion);
    }

    [Fact]
    public async Task Concurrent_migrators_from_separate_processes_apply_each_migration_once()
    {
        var schema = postgres.NewSchema();
        const int migrators = 8;
        var dataSources = Enumerable.Range(0, migrators).Select(_ => NpgsqlDataSource.Create(postgres.Server.ConnectionString)).ToArray();
        var worlds = dataSources.Select(source => new PostgresWorld(source, new PostgresWorldOptions { Schema = schema })).ToArray();
        try
        {
            using var barrier = new Barrier(migrators);
            var results = await Task.WhenAll(worlds.Select(world => Task.Factory.StartNew(
                () =>
                {
                    barrier.SignalAndWait(Cancellation);
                    return world.MigrateAsync(Cancellation);
                },
                Cancellation,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default).Unwrap()));

            Assert.Single(results, r => r.Applied.Count > 0);
            Assert.All(results, r => Assert.Equal(MigrationCatalog.LatestVersion, r.CurrentVersion));
            var versions = await ScalarListAsync($"SELECT version::text FROM \"{schema}\".schema_migrations");
            Assert.Equal(MigrationCatalog.All.Count, versions.Count);
        }
        finally
        {
            foreach (var world in worlds)
            {
                await world.DisposeAsync();
            }

            foreach (var source in dataSources)
            {
                await source.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task An_edited_applied_migration_is_refused()
    {
        await using var world = postgres.CreateWorld(TimeProvider.System);
        await world.MigrateAsync(Cancellation);
        await ExecuteAsync($"UPDATE \"{world.Schema}\".schema_migrations SET checksum = 'edited' WHERE version = 1");

        var error = await Assert.ThrowsAsync<SchemaMigrationException>(() => world.MigrateAsync(Cancellation));

        Assert.Contains(MigrationCatalog.All[0].Name, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_does_not_migrate_when_migrate_on_start_is_off()
    {
        await using var world = postgres.CreateWorld(TimeProvider.System, options => options.MigrateOnStart = false);
        await world.StartAsync(Cancellation);
        Assert.Equal(0, await world.ReadSchemaVersionAsync(Cancellation));
    }

    [Fact]
    public void Embedded_migrations_are_numbered_from_one_without_gaps()
    {
        Assert.Equal(Enumerable.Range(1, MigrationCatalog.All.Count), MigrationCatalog.All.Select(m => m.Version));
        Assert.All(MigrationCatalog.All, m => Assert.Contains("{schema}", m.Sql, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("")]
    [InlineData("1world")]
    [InlineData("world; DROP TABLE x")]
    [InlineData("wörld")]
    [InlineData("a234567890123456789012345678901234567890123456789012345678901234")]
    public void Invalid_schema_names_are_rejected_before_any_sql(string schema)
    {
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            new PostgresWorld(postgres.DataSource, new PostgresWorldOptions { Schema = schema }));
        Assert.Contains("Schema", error.Message, StringComparison.Ordinal);
    }

    private async Task<string> PlanAsync(string query)
    {
        await using var connection = await postgres.DataSource.OpenConnectionAsync(Cancellation);
        await using (var off = new NpgsqlCommand("SET enable_seqscan = off", connection))
        {
            await off.ExecuteNonQueryAsync(Cancellation);
        }

        await using var command = new NpgsqlCommand("EXPLAIN " + query, connection);
        await using var reader = await command.ExecuteReaderAsync(Cancellation);
        var lines = new List<string>();
        while (await reader.ReadAsync(Cancellation))
        {
            lines.Add(reader.GetString(0));
        }

        return string.Join("\n", lines);
    }

    private async Task<List<string>> ScalarListAsync(string sql)
    {
        await using var command = postgres.DataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync(Cancellation);
        var values = new List<string>();
        while (await reader.ReadAsync(Cancellation))
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var command = postgres.DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(Cancellation);
    }
}
