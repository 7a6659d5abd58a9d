using System.Collections.Concurrent;
using System.Text;
using Npgsql;
using World.Queue;

namespace World.Postgres.Tests.Queue;

/// <summary>What only the PostgreSQL queue has: transactional enqueue, cross-process wake-ups, and real crashes.</summary>
public sealed class QueueDurabilityTests(PostgresFixture postgres)
{
    private const string QueueName = "__wkf_workflow_crash";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_message_enqueued_in_a_rolled_back_transaction_never_exists()
    {
        await using var world = await StartWorldAsync();
        await using var connection = await postgres.DataSource.OpenConnectionAsync(Cancellation);

        await using (var rolledBack = await connection.BeginTransactionAsync(Cancellation))
        {
            await world.Queue.EnqueueAsync(rolledBack, QueueName, Encoding.UTF8.GetBytes("never"), cancellationToken: Cancellation);
            await rolledBack.RollbackAsync(Cancellation);
        }

        Assert.Empty(await ClaimAsync(world));

        await using (var committed = await connection.BeginTransactionAsync(Cancellation))
        {
            var enqueued = await world.Queue.EnqueueAsync(committed, QueueName, Encoding.UTF8.GetBytes("once"), cancellationToken: Cancellation);
            Assert.Empty(await ClaimAsync(world)); // Invisible until the commit.
            await committed.CommitAsync(Cancellation);
            Assert.Equal(enqueued.MessageId, Assert.Single(await ClaimAsync(world)).MessageId);
        }
    }

    [Fact]
    public async Task An_enqueue_in_another_process_wakes_an_idle_consumer_through_notify()
    {
        var schema = postgres.NewSchema();
        await using var consumer = await StartWorldAsync(schema, separateDataSource: true);
        await using var producer = await StartWorldAsync(schema, separateDataSource: true);
        await consumer.Queue.WaitForMessagesAsync([QueueName], TimeSpan.Zero, Cancellation); // Opens the LISTEN connection.
        await Task.Delay(200, Cancellation);

        var waiting = consumer.Queue.WaitForMessagesAsync([QueueName], TimeSpan.FromHours(1), Cancellation);
        await producer.Queue.EnqueueAsync(QueueName, Encoding.UTF8.GetBytes("wake"), cancellationToken: Cancellation);

        await waiting.WaitAsync(TimeSpan.FromSeconds(30), Cancellation);
    }

    [Fact]
    public async Task A_burst_whose_notifications_are_debounced_still_wakes_a_consumer_that_never_polls()
    {
        var schema = postgres.NewSchema();
        await using var consumer = await StartWorldAsync(schema, separateDataSource: true);
        await using var producer = await StartWorldAsync(schema, separateDataSource: true, notifyWindow: TimeSpan.FromSeconds(1));
        var handled = new ConcurrentDictionary<string, bool>();
        var processor = new QueueProcessor(
            consumer.Queue,
            new QueueProcessorOptions { Queues = [QueueName], PollInterval = TimeSpan.FromHours(1) },
            (message, _) =>
            {
                handled[message.MessageId] = true;
                return ValueTask.FromResult(QueueHandlerResult.Complete);
            });
        using var stop = new CancellationTokenSource();
        var run = processor.RunAsync(stop.Token);
        await Task.Delay(300, Cancellation);

        // The first enqueue of the window notifies inline and wakes the consumer, which handles it and goes idle again.
        var ids = new List<string> { (await producer.Queue.EnqueueAsync(QueueName, Encoding.UTF8.GetBytes("first"), cancellationToken: Cancellation)).MessageId };
        await WaitUntilAsync(() => handled.Count == 1, "the first message was not picked up");
        await Task.Delay(100, Cancellation);

        // The rest fall inside the (long) window: no inline NOTIFY; only the trailing one can wake the idle consumer.
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await producer.Queue.EnqueueAsync(QueueName, Encoding.UTF8.GetBytes($"burst {i}"), cancellationToken: Cancellation)).MessageId);
        }

        await WaitUntilAsync(() => handled.Count == ids.Count, "the debounced messages were never picked up without polling");
        Assert.True(ids.All(handled.ContainsKey));
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(30), Cancellation);
    }

    [Fact]
    public async Task A_consumer_that_loses_every_notification_still_finds_messages_by_polling()
    {
        var schema = postgres.NewSchema();
        await using var consumer = await StartWorldAsync(schema, separateDataSource: true);
        await using var producer = await StartWorldAsync(schema, separateDataSource: true);
        consumer.Notifications.DropNotifications = true;
        var handled = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var processor = new QueueProcessor(
            consumer.Queue,
            new QueueProcessorOptions { Queues = [QueueName], PollInterval = TimeSpan.FromMilliseconds(200) },
            (message, _) =>
            {
                handled.TrySetResult(message.MessageId);
                return ValueTask.FromResult(QueueHandlerResult.Complete);
            });
        using var stop = new CancellationTokenSource();
        var run = processor.RunAsync(stop.Token);
        await Task.Delay(300, Cancellation); // Idle, waiting on the (deaf) listener.

        var enqueued = await producer.Queue.EnqueueAsync(QueueName, Encoding.UTF8.GetBytes("polled"), cancellationToken: Cancellation);

        Assert.Equal(enqueued.MessageId, await handled.Task.WaitAsync(TimeSpan.FromSeconds(30), Cancellation));
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(30), Cancellation);
    }

    [Fact]
    public async Task A_consumer_process_killed_mid_handler_loses_nothing_and_a_survivor_redelivers_after_the_lease()
    {
        var schema = postgres.NewSchema();
        await using var survivor = await StartWorldAsync(schema, separateDataSource: true);
        var enqueued = await survivor.Queue.EnqueueAsync(QueueName, Encoding.UTF8.GetBytes("important"), cancellationToken: Cancellation);
        const int leaseMilliseconds = 1500;

        // A real consumer process takes the message and is killed with SIGKILL while its handler runs.
        using (var crashHost = CrashHostProcess.Start("queue", postgres.Server.ConnectionString, schema, QueueName, leaseMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture)))
        {
            try
            {
                var line = await CrashHostProcess.ReadLineAsync(crashHost, "HANDLING ", Cancellation);
                Assert.Equal($"HANDLING {enqueued.MessageId} 1", line);
            }
            finally
            {
                crashHost.Kill(entireProcessTree: true);
                await crashHost.WaitForExitAsync(Cancellation);
            }
        }

        // The message is still leased by the dead process until the lease lapses; then the survivor gets it.
        var deliveries = new ConcurrentQueue<QueueMessage>();
        var processor = new QueueProcessor(
            survivor.Queue,
            new QueueProcessorOptions { Queues = [QueueName], PollInterval = TimeSpan.FromMilliseconds(100), LeaseDuration = TimeSpan.FromSeconds(10), HeartbeatInterval = TimeSpan.FromSeconds(2) },
            (message, _) =>
            {
                deliveries.Enqueue(message);
                return ValueTask.FromResult(QueueHandlerResult.Complete);
            });
        using var stop = new CancellationTokenSource();
        var run = processor.RunAsync(stop.Token);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (deliveries.IsEmpty)
        {
            Assert.True(DateTime.UtcNow < deadline, "the killed consumer's message was never redelivered");
            await Task.Delay(50, Cancellation);
        }

        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(30), Cancellation);

        var redelivered = Assert.Single(deliveries);
        Assert.Equal(enqueued.MessageId, redelivered.MessageId);
        Assert.Equal(2, redelivered.Attempt);
        Assert.Equal(1, redelivered.Failures);
        Assert.Equal("important", Encoding.UTF8.GetString(redelivered.Payload.Span));
        Assert.Empty(await ClaimAsync(survivor));
    }

    private async Task<PostgresWorld> StartWorldAsync(string? schema = null, bool separateDataSource = false, TimeSpan? notifyWindow = null)
    {
        var options = new PostgresWorldOptions { Schema = schema ?? postgres.NewSchema() };
        if (notifyWindow is { } window)
        {
            options.QueueNotifyWindow = window;
        }

        PostgresWorld world;
        if (separateDataSource)
        {
            options.ConnectionString = postgres.Server.ConnectionString;
            world = new PostgresWorld(options);
        }
        else
        {
            world = new PostgresWorld(postgres.DataSource, options);
        }

        await world.StartAsync(Cancellation);
        return world;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string failure)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(20, Cancellation);
        }
    }

    private static Task<IReadOnlyList<QueueMessage>> ClaimAsync(PostgresWorld world) =>
        world.Queue.ClaimAsync(new ClaimRequest([QueueName], 10, TimeSpan.FromSeconds(30), "test"), Cancellation);
}
