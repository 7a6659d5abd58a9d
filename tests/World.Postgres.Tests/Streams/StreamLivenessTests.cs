using System.Text;

namespace World.Postgres.Tests.Streams;

/// <summary>Live readers in one process, writers in another: woken by NOTIFY, and by polling when notifications are lost.</summary>
public sealed class StreamLivenessTests(PostgresFixture postgres)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_reader_in_another_process_is_woken_by_notify()
    {
        var schema = postgres.NewSchema();
        await using var reader = await StartWorldAsync(schema, TimeSpan.FromHours(1));
        await using var writer = await StartWorldAsync(schema, TimeSpan.FromHours(1));

        await AssertLiveReadAcrossWorldsAsync(reader, writer);
    }

    [Fact]
    public async Task A_reader_that_loses_every_notification_wakes_within_the_poll_interval()
    {
        var schema = postgres.NewSchema();
        await using var reader = await StartWorldAsync(schema, TimeSpan.FromMilliseconds(200));
        await using var writer = await StartWorldAsync(schema, TimeSpan.FromHours(1));
        reader.Notifications.DropNotifications = true;

        await AssertLiveReadAcrossWorldsAsync(reader, writer);
    }

    private static async Task AssertLiveReadAcrossWorldsAsync(PostgresWorld reader, PostgresWorld writer)
    {
        var runId = WorldIds.NewRunId(DateTimeOffset.UtcNow);
        await writer.Streams.WriteAsync(runId, "progress", Encoding.UTF8.GetBytes("history"), Cancellation);
        var received = new List<string>();
        var firstLive = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reading = Task.Run(async () =>
        {
            await foreach (var chunk in reader.Streams.ReadAsync(runId, "progress", cancellationToken: Cancellation))
            {
                received.Add(Encoding.UTF8.GetString(chunk.Span));
                if (received.Count == 2)
                {
                    firstLive.TrySetResult();
                }
            }
        }, Cancellation);

        // The reader is now at the tail, waiting; the next chunks come from the other World.
        await Task.Delay(300, Cancellation);
        await writer.Streams.WriteAsync(runId, "progress", Encoding.UTF8.GetBytes("live 1"), Cancellation);
        await firstLive.Task.WaitAsync(TimeSpan.FromSeconds(30), Cancellation);
        await writer.Streams.WriteAsync(runId, "progress", Encoding.UTF8.GetBytes("live 2"), Cancellation);
        await writer.Streams.CloseAsync(runId, "progress", Cancellation);

        await reading.WaitAsync(TimeSpan.FromSeconds(30), Cancellation);
        Assert.Equal(["history", "live 1", "live 2"], received);
    }

    private async Task<PostgresWorld> StartWorldAsync(string schema, TimeSpan pollInterval)
    {
        var world = new PostgresWorld(new PostgresWorldOptions { ConnectionString = postgres.Server.ConnectionString, Schema = schema, StreamPollInterval = pollInterval });
        await world.StartAsync(Cancellation);
        return world;
    }
}
