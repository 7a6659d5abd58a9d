using System.Text;
using System.Text.Json;
using World.Postgres;

namespace World.Cli.Tests;

/// <summary>Every command of the built <c>world</c> tool, run as a process against PostgreSQL: JSON checked, exit codes, errors.</summary>
public sealed class CliTests(CliFixture cli)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Runs_are_listed_filtered_shown_walked_and_cancelled()
    {
        await using var world = await cli.CreateWorldAsync();
        var parent = await CreateRunAsync(world, new() { ["tenant"] = "acme" });
        await world.Events.CreateAsync(parent, new EventRequest(new RunStarted()), cancellationToken: Cancellation);
        await world.Events.CreateAsync(parent, new EventRequest(new StepCreated("step//charge", Encoding.UTF8.GetBytes("[1]"))) { CorrelationId = "step_charge" }, cancellationToken: Cancellation);
        var child = await CreateRunAsync(world, new() { ["$parentRunId"] = parent });
        var scheduled = await CreateRunAsync(world, new() { [ScheduleAttributes.ScheduleId] = "nightly" });

        var all = await cli.JsonAsync(world, "runs", "list");
        Assert.Equal([scheduled, child, parent], Ids(all.GetProperty("data"), "runId"));
        Assert.False(all.GetProperty("hasMore").GetBoolean());
        Assert.Equal([child], Ids((await cli.JsonAsync(world, "runs", "list", "--parent", parent)).GetProperty("data"), "runId"));
        Assert.Equal([scheduled], Ids((await cli.JsonAsync(world, "runs", "list", "--schedule", "nightly")).GetProperty("data"), "runId"));
        Assert.Equal([parent], Ids((await cli.JsonAsync(world, "runs", "list", "--attribute", "tenant=acme")).GetProperty("data"), "runId"));
        Assert.Equal([parent], Ids((await cli.JsonAsync(world, "runs", "list", "--status", "running")).GetProperty("data"), "runId"));
        Assert.Empty(Ids((await cli.JsonAsync(world, "runs", "list", "--created-after", DateTimeOffset.UtcNow.AddHours(1).ToString("O"))).GetProperty("data"), "runId"));
        var firstPage = await cli.JsonAsync(world, "runs", "list", "--limit", "2", "--ascending");
        Assert.Equal([parent, child], Ids(firstPage.GetProperty("data"), "runId"));
        Assert.True(firstPage.GetProperty("hasMore").GetBoolean());
        var nextPage = await cli.JsonAsync(world, "runs", "list", "--limit", "2", "--ascending", "--cursor", firstPage.GetProperty("cursor").GetString()!);
        Assert.Equal([scheduled], Ids(nextPage.GetProperty("data"), "runId"));

        var table = await cli.RunOnAsync(world, "runs", "list");
        Assert.Equal(0, table.ExitCode);
        Assert.Contains(parent, table.Output, StringComparison.Ordinal);
        Assert.Contains("running", table.Output, StringComparison.Ordinal);

        var show = await cli.JsonAsync(world, "runs", "show", parent);
        Assert.Equal("running", show.GetProperty("run").GetProperty("status").GetString());
        Assert.Equal(["step_charge"], Ids(show.GetProperty("steps"), "stepId"));
        Assert.Equal([child], Ids(show.GetProperty("children"), "runId"));
        Assert.Equal(3, show.GetProperty("eventCount").GetInt32());
        Assert.Equal("not_found", show.GetProperty("dispatch").GetProperty("code").GetString());
        var shown = await cli.RunOnAsync(world, "runs", "show", parent);
        Assert.Equal(0, shown.ExitCode);
        Assert.Contains("step//charge", shown.Output, StringComparison.Ordinal);

        var events = await cli.JsonAsync(world, "runs", "events", parent);
        Assert.Equal(["run_created", "run_started", "step_created"], events.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("eventType").GetString()!));
        Assert.Contains("run_started", (await cli.RunOnAsync(world, "runs", "events", parent)).Output, StringComparison.Ordinal);

        var tree = await cli.JsonAsync(world, "runs", "tree", parent);
        Assert.Equal([child], tree.GetProperty("children").EnumerateArray().Select(node => node.GetProperty("run").GetProperty("runId").GetString()!));
        Assert.Contains(child, (await cli.RunOnAsync(world, "runs", "tree", parent)).Output, StringComparison.Ordinal);

        var cancelled = await cli.JsonAsync(world, "runs", "cancel", parent, "--descendants", "--reason", "operator test");
        Assert.Equal([parent, child], cancelled.GetProperty("cancelled").EnumerateArray().Select(id => id.GetString()!));
        Assert.Equal(RunStatus.Cancelled, (await world.Runs.GetAsync(child, ReadOptions.WithoutData, Cancellation)).Status);
        var again = await cli.RunOnAsync(world, "runs", "cancel", parent);
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("Already ended", again.Output, StringComparison.Ordinal);

        var missing = await cli.RunOnAsync(world, "runs", "show", "wrun_01ARZ3NDEKTSV4RRFFQ69G5FAV");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("RUN_NOT_FOUND", missing.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Queues_and_dead_letters_are_shown_replayed_and_purged()
    {
        await using var world = await cli.CreateWorldAsync();
        await world.Queue.EnqueueAsync("orders", Encoding.UTF8.GetBytes("live"), cancellationToken: Cancellation);
        var first = await DeadLetterAsync(world, "orders", "first");
        var second = await DeadLetterAsync(world, "orders", "second");

        var queues = await cli.JsonAsync(world, "queues");
        var orders = Assert.Single(queues.EnumerateArray(), queue => queue.GetProperty("queueName").GetString() == "orders");
        Assert.Equal((1L, 2L), (orders.GetProperty("ready").GetInt64(), orders.GetProperty("dead").GetInt64()));
        Assert.Contains("orders", (await cli.RunOnAsync(world, "queues")).Output, StringComparison.Ordinal);

        Assert.Equal([first, second], Ids((await cli.JsonAsync(world, "dlq", "list")).GetProperty("data"), "messageId"));
        Assert.Contains(first, (await cli.RunOnAsync(world, "dlq", "list", "--queue", "orders")).Output, StringComparison.Ordinal);
        var shown = await cli.JsonAsync(world, "dlq", "show", first);
        Assert.Equal(("orders", "E_TEST", 5), (shown.GetProperty("queueName").GetString(), shown.GetProperty("reason").GetProperty("code").GetString(), shown.GetProperty("payloadBytes").GetInt32()));
        Assert.False(shown.TryGetProperty("payload", out _));
        Assert.Equal("first", Encoding.UTF8.GetString(Convert.FromBase64String((await cli.JsonAsync(world, "dlq", "show", first, "--payload")).GetProperty("payload").GetString()!)));

        var unconfirmed = await cli.RunOnAsync(world, "dlq", "replay", "--queue", "orders", "--limit", "1");
        Assert.Equal(2, unconfirmed.ExitCode);
        Assert.Contains("--yes", unconfirmed.Error, StringComparison.Ordinal);
        var noLimit = await cli.RunOnAsync(world, "dlq", "purge", "--yes");
        Assert.Equal(2, noLimit.ExitCode);

        var replayed = await cli.JsonAsync(world, "dlq", "replay", "--queue", "orders", "--limit", "1", "--yes");
        Assert.Equal([first], replayed.GetProperty("done").EnumerateArray().Select(id => id.GetString()!));
        Assert.True(replayed.GetProperty("hasMore").GetBoolean());
        Assert.Equal([second], Ids((await cli.JsonAsync(world, "dlq", "list")).GetProperty("data"), "messageId"));

        var purgeMissing = await cli.RunOnAsync(world, "dlq", "purge", "--id", "msg_01ARZ3NDEKTSV4RRFFQ69G5FAV", "--limit", "1", "--yes");
        Assert.Equal(1, purgeMissing.ExitCode);
        Assert.Contains("DEAD_LETTER_NOT_FOUND", purgeMissing.Output, StringComparison.Ordinal);
        var purged = await cli.JsonAsync(world, "dlq", "purge", "--limit", "10", "--yes");
        Assert.Equal([second], purged.GetProperty("done").EnumerateArray().Select(id => id.GetString()!));
        Assert.Empty(Ids((await cli.JsonAsync(world, "dlq", "list")).GetProperty("data"), "messageId"));
        Assert.Equal(1, (await cli.RunOnAsync(world, "dlq", "show", second)).ExitCode);
    }

    [Fact]
    public async Task Schedules_are_listed_shown_disabled_enabled_triggered_and_previewed()
    {
        await using var world = await cli.CreateWorldAsync();
        await world.Schedules.UpsertAsync(new ScheduleDefinition { ScheduleId = "nightly", WorkflowName = "workflow//report", Input = Encoding.UTF8.GetBytes("[]"), Cron = "0 3 * * *", TimeZone = "UTC", Enabled = true }, Cancellation);

        var list = await cli.JsonAsync(world, "schedules", "list");
        Assert.Equal(["nightly"], list.GetProperty("data").EnumerateArray().Select(s => s.GetProperty("definition").GetProperty("scheduleId").GetString()!));
        Assert.Contains("0 3 * * *", (await cli.RunOnAsync(world, "schedules", "list")).Output, StringComparison.Ordinal);

        var show = await cli.JsonAsync(world, "schedules", "show", "nightly");
        Assert.Equal(ScheduleDetail.Count, show.GetProperty("nextTicks").GetArrayLength());
        Assert.All(show.GetProperty("nextTicks").EnumerateArray(), tick => Assert.Equal(new TimeSpan(3, 0, 0), tick.GetDateTimeOffset().UtcDateTime.TimeOfDay));
        Assert.Equal(0, (await cli.RunOnAsync(world, "schedules", "show", "nightly")).ExitCode);

        var disabled = await cli.JsonAsync(world, "schedules", "disable", "nightly", "--note", "maintenance");
        Assert.False(disabled.GetProperty("state").GetProperty("enabled").GetBoolean());
        Assert.Equal("maintenance", (await world.Schedules.GetAsync("nightly", Cancellation)).State.PauseNote);
        Assert.True((await cli.JsonAsync(world, "schedules", "enable", "nightly")).GetProperty("state").GetProperty("enabled").GetBoolean());

        var fire = await cli.JsonAsync(world, "schedules", "trigger", "nightly");
        Assert.Equal("manual", fire.GetProperty("kind").GetString());
        var fires = await world.Schedules.ListFiresAsync(new ScheduleFireQuery { ScheduleId = "nightly" }, Cancellation);
        Assert.Equal(ScheduleTriggerKind.Manual, Assert.Single(fires.Data).Kind);

        var preview = await cli.JsonAsync(world, "schedules", "preview", "nightly", "--count", "3");
        Assert.Equal(show.GetProperty("nextTicks").EnumerateArray().Take(3).Select(t => t.GetDateTimeOffset()), preview.EnumerateArray().Select(t => t.GetDateTimeOffset()));

        var missing = await cli.RunOnAsync(world, "schedules", "show", "weekly");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("SCHEDULE_NOT_FOUND", missing.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_and_migrate_report_the_schema_and_fail_while_it_is_behind()
    {
        await using var world = await cli.CreateWorldAsync(migrate: false);

        var behind = await cli.RunAsync(["health", "--json", "--connection", cli.ConnectionString, "--schema", world.Schema]);
        Assert.Equal(1, behind.ExitCode);
        var report = JsonDocument.Parse(behind.Output).RootElement;
        Assert.False(report.GetProperty("healthy").GetBoolean());
        Assert.Contains("world migrate", report.GetProperty("problems")[0].GetString(), StringComparison.Ordinal);
        var status = await cli.RunOnAsync(world, "migrate", "--status");
        Assert.Equal(1, status.ExitCode);
        Assert.Contains(MigrationCatalog.All[0].Name, status.Output, StringComparison.Ordinal);

        var migrated = await cli.JsonAsync(world, "migrate");
        Assert.True(migrated.GetProperty("isCurrent").GetBoolean());
        Assert.Equal(MigrationCatalog.LatestVersion, migrated.GetProperty("currentVersion").GetInt32());
        Assert.Equal(MigrationCatalog.LatestVersion, await world.ReadSchemaVersionAsync(Cancellation));
        Assert.Equal(0, (await cli.RunOnAsync(world, "migrate", "--status")).ExitCode);
        Assert.Contains("current", (await cli.RunOnAsync(world, "migrate")).Output, StringComparison.Ordinal);

        var healthy = await cli.JsonAsync(world, "health");
        Assert.True(healthy.GetProperty("healthy").GetBoolean());
        var text = await cli.RunOnAsync(world, "health");
        Assert.Equal(0, text.ExitCode);
        Assert.StartsWith("Healthy", text.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_connection_may_come_from_the_environment()
    {
        await using var world = await cli.CreateWorldAsync();
        var run = await CreateRunAsync(world, []);

        var result = await cli.RunAsync(["runs", "list", "--json", "--schema", world.Schema], environmentConnection: cli.ConnectionString);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal([run], Ids(JsonDocument.Parse(result.Output).RootElement.GetProperty("data"), "runId"));
    }

    [Theory]
    [InlineData(new string[0], "Required command")]
    [InlineData(new[] { "bogus" }, "bogus")]
    [InlineData(new[] { "runs", "show" }, "Required argument missing")]
    [InlineData(new[] { "runs", "list", "--status", "sleeping" }, "sleeping")]
    [InlineData(new[] { "runs", "list", "--attribute", "novalue" }, "key=value")]
    [InlineData(new[] { "runs", "list", "--limit", "many" }, "many")]
    [InlineData(new[] { "runs", "list", "--created-after", "yesterday" }, "yesterday")]
    [InlineData(new[] { "dlq", "replay", "--yes" }, "--limit")]
    public async Task Bad_arguments_are_usage_errors(string[] args, string named)
    {
        var result = await cli.RunAsync([.. args, "--connection", cli.ConnectionString]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(named, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Values_the_World_rejects_and_a_missing_connection_are_usage_errors()
    {
        await using var world = await cli.CreateWorldAsync();

        var zero = await cli.RunOnAsync(world, "runs", "list", "--limit", "0");
        var badParent = await cli.RunOnAsync(world, "runs", "list", "--parent", "not a run id");
        var noConnection = await cli.RunAsync(["runs", "list"]);

        Assert.Equal((2, 2, 2), (zero.ExitCode, badParent.ExitCode, noConnection.ExitCode));
        Assert.Contains("parentRunId", badParent.Error, StringComparison.Ordinal);
        Assert.Contains("WORLD_POSTGRES_CONNECTION", noConnection.Error, StringComparison.Ordinal);
        var help = await cli.RunAsync(["--help"]);
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("dlq", help.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_connection_is_a_clear_error_that_never_shows_the_password()
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(cli.ConnectionString);
        var closedPort = new Npgsql.NpgsqlConnectionStringBuilder(cli.ConnectionString) { Port = FreePort(), Timeout = 5 }.ConnectionString;
        var noDatabase = new Npgsql.NpgsqlConnectionStringBuilder(cli.ConnectionString) { Database = "no_such_database_cli" }.ConnectionString;
        var malformed = $"Host={builder.Host};Pasword={cli.Password}";

        var refused = await cli.RunAsync(["runs", "list", "--connection", closedPort]);
        var refusedHealth = await cli.RunAsync(["health", "--json", "--connection", closedPort]);
        var missing = await cli.RunAsync(["runs", "list", "--connection", noDatabase]);
        var unparsable = await cli.RunAsync(["runs", "list", "--connection", malformed]);

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("connection", refused.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("refused", refused.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, refusedHealth.ExitCode);
        Assert.False(JsonDocument.Parse(refusedHealth.Output).RootElement.GetProperty("healthy").GetBoolean());
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("no_such_database_cli", missing.Error, StringComparison.Ordinal);
        Assert.Equal(2, unparsable.ExitCode);
        Assert.Contains("not valid", unparsable.Error, StringComparison.Ordinal);
        foreach (var result in new[] { refused, refusedHealth, missing, unparsable })
        {
            Assert.DoesNotContain(cli.Password, result.Output + result.Error, StringComparison.Ordinal);
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static IReadOnlyList<string> Ids(JsonElement array, string property) =>
        [.. array.EnumerateArray().Select(item => item.GetProperty(property).GetString()!)];

    private static async Task<string> CreateRunAsync(PostgresWorld world, Dictionary<string, string> attributes)
    {
        var created = await world.Events.CreateAsync(
            null,
            new EventRequest(new RunCreated("dpl_cli", "workflow//cli", Encoding.UTF8.GetBytes("{}")) { Attributes = attributes.Count == 0 ? null : attributes, AllowReservedAttributes = true }),
            cancellationToken: Cancellation);

        // Run ids are ULIDs minted from the clock: a millisecond apart, they list in creation order.
        await Task.Delay(2, Cancellation);
        return created.Run!.RunId;
    }

    private static async Task<string> DeadLetterAsync(PostgresWorld world, string queue, string payload)
    {
        var id = (await world.Queue.EnqueueAsync(queue, Encoding.UTF8.GetBytes(payload), new EnqueueOptions { MaxAttempts = 1, Priority = 1 }, Cancellation)).MessageId;
        var message = Assert.Single(await world.Queue.ClaimAsync(new ClaimRequest([queue], 1, TimeSpan.FromSeconds(30), "cli-test"), Cancellation), m => m.MessageId == id);
        Assert.Equal(FailureOutcome.DeadLettered, await world.Queue.FailAsync(message.Lease, new QueueFailure(new StructuredError("boom", Code: "E_TEST"), TimeSpan.Zero), Cancellation));
        await Task.Delay(2, Cancellation);
        return id;
    }
}
