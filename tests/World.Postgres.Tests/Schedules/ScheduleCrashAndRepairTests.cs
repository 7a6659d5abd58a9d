using Microsoft.Extensions.Time.Testing;
using Npgsql;
using World.Backends;

namespace World.Postgres.Tests.Schedules;

/// <summary>
/// PostgreSQL-only schedule faults: a scheduler process killed mid-fire (the tick still fires exactly once), and state
/// edited by hand (a missing next fire time is recomputed; an unreadable definition does not hold up other schedules).
/// </summary>
public sealed class ScheduleCrashAndRepairTests(PostgresFixture postgres)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_scheduler_killed_after_creating_the_run_leaves_the_tick_to_a_survivor_that_creates_no_second_run()
    {
        const int leaseMilliseconds = 1500;
        var schema = postgres.NewSchema();
        await using var world = new PostgresWorld(postgres.DataSource, new PostgresWorldOptions { Schema = schema });
        await world.StartAsync(Cancellation);
        var tick = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 2);
        await world.Schedules.UpsertAsync(new ScheduleDefinition { ScheduleId = "crash", WorkflowName = "workflow//crash", Interval = TimeSpan.FromHours(1), StartAt = tick, Enabled = true }, Cancellation);

        string runId;
        using (var crashHost = CrashHostProcess.Start("schedule", postgres.Server.ConnectionString, schema, leaseMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture)))
        {
            try
            {
                runId = (await CrashHostProcess.ReadLineAsync(crashHost, "FIRED ", Cancellation))["FIRED ".Length..];
            }
            finally
            {
                crashHost.Kill(entireProcessTree: true);
                await crashHost.WaitForExitAsync(Cancellation);
            }
        }

        // The fire is still pending (never confirmed) and its run exists: the survivor waits out the lease, finds the run, creates none.
        var pending = Assert.Single((await world.Schedules.ListFiresAsync(new ScheduleFireQuery { ScheduleId = "crash", Status = ScheduleFireStatus.Pending }, Cancellation)).Data);
        Assert.Equal((runId, tick), (pending.RunId, pending.NominalAt));
        var survivor = new ScheduleFirer(world, new ScheduleFirerOptions { DeploymentId = "survivor", Owner = "survivor" });
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var alreadyCreated = 0;
        var created = 0;
        while (alreadyCreated == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the survivor never took over the dead scheduler's fire");
            var batch = await survivor.FireDueAsync(Cancellation);
            alreadyCreated += batch.AlreadyCreated;
            created += batch.Created;
            await Task.Delay(100, Cancellation);
        }

        Assert.Equal(0, created);
        var fire = Assert.Single((await world.Schedules.ListFiresAsync(new ScheduleFireQuery { ScheduleId = "crash" }, Cancellation)).Data);
        Assert.Equal((ScheduleFireStatus.Created, runId), (fire.Status, fire.RunId));
        Assert.True(fire.Attempts >= 2);
        var run = Assert.Single((await world.Runs.ListAsync(new RunQuery { ResolveData = ResolveData.None }, Cancellation)).Data);
        Assert.Equal(runId, run.RunId);
    }

    [Fact]
    public async Task Hand_edited_state_is_repaired_and_an_unreadable_definition_holds_up_no_other_schedule()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 15, 9, 0, 0, TimeSpan.Zero));
        await using var world = postgres.CreateWorld(clock);
        await world.StartAsync(Cancellation);
        foreach (var id in new[] { "lost", "garbled", "healthy" })
        {
            await world.Schedules.UpsertAsync(new ScheduleDefinition { ScheduleId = id, WorkflowName = "workflow//w", Cron = "*/5 * * * *", Enabled = true, Overlap = ScheduleOverlap.AllowAll }, Cancellation);
        }

        await using (var edit = postgres.DataSource.CreateCommand(
            $"UPDATE \"{world.Schema}\".schedules SET next_fire_at = NULL, next_nominal_at = NULL WHERE schedule_id = 'lost'; " +
            $"UPDATE \"{world.Schema}\".schedules SET definition = '\\x7b6e6f74'::bytea WHERE schedule_id = 'garbled'"))
        {
            await edit.ExecuteNonQueryAsync(Cancellation);
        }

        clock.Advance(TimeSpan.FromMinutes(5));
        var firer = new ScheduleFirer(world, new ScheduleFirerOptions { DeploymentId = "d", Owner = "o" });
        var batch = await firer.FireDueAsync(Cancellation);
        Assert.Equal(["lost"], batch.Repaired);
        Assert.Equal(["healthy", "lost"], batch.Fires.Select(f => f.ScheduleId).Order(StringComparer.Ordinal));

        // The repaired schedule lost no tick: it was recomputed from its creation, fired the due tick and moved on.
        var lost = await world.Schedules.GetAsync("lost", Cancellation);
        Assert.Equal(new DateTimeOffset(2026, 1, 15, 9, 10, 0, TimeSpan.Zero), lost.State.NextNominalAt);
        Assert.StartsWith("error:", (await ReadOutcomeAsync(world, "garbled")), StringComparison.Ordinal);
        await Assert.ThrowsAsync<WorldConfigurationException>(() => world.Schedules.GetAsync("garbled", Cancellation));

        clock.Advance(TimeSpan.FromMinutes(5));
        batch = await firer.FireDueAsync(Cancellation);
        Assert.Equal(["healthy", "lost"], batch.Fires.Select(f => f.ScheduleId).Order(StringComparer.Ordinal));

        // An upsert from code heals the garbled definition.
        await world.Schedules.UpsertAsync(new ScheduleDefinition { ScheduleId = "garbled", WorkflowName = "workflow//w", Cron = "*/5 * * * *", Enabled = true }, Cancellation);
        Assert.True((await world.Schedules.GetAsync("garbled", Cancellation)).State.Enabled);
    }

    private async Task<string> ReadOutcomeAsync(PostgresWorld world, string scheduleId)
    {
        await using var read = postgres.DataSource.CreateCommand($"SELECT last_outcome FROM \"{world.Schema}\".schedules WHERE schedule_id = $1");
        read.Parameters.Add(new NpgsqlParameter<string> { TypedValue = scheduleId });
        return (string)(await read.ExecuteScalarAsync(Cancellation))!;
    }
}
