using System.Collections.Concurrent;
using World.Queue;

namespace World.Testing.Queue;

/// <summary>
/// The shared consumer on the World's queue: bounded concurrency, retries with backoff, redelivery, dead-lettering,
/// graceful shutdown, and exactly-once processing of 10,000 messages by 8 concurrent consumers.
/// </summary>
/// <typeparam name="TFactory">The backend's factory of Worlds (see <see cref="IWorldFactory"/>).</typeparam>
public abstract class QueueProcessorTests<TFactory> : WorldTestBase<TFactory>
    where TFactory : class, IWorldFactory
{
    private const string QueueName = "__wkf_step_charge";

    // Tests that move the fake clock in steps use leases far longer than the time they cover, so no step can expire
    // a lease between a claim and its settlement.
    private static readonly TimeSpan LongLease = TimeSpan.FromHours(2);
    private static readonly TimeSpan LongHeartbeat = TimeSpan.FromMinutes(30);

    /// <summary>How many messages the many-consumer test processes.</summary>
    protected virtual int ManyMessages => 10_000;

    [Fact]
    public async Task Handlers_never_exceed_the_concurrency_bound()
    {
        const int concurrency = 3;
        for (var i = 0; i < 12; i++)
        {
            await World.Queue.EnqueueAsync(QueueName, Bytes($"{i}"), cancellationToken: Cancellation);
        }

        var running = 0;
        var maxRunning = 0;
        var done = 0;
        var allDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await RunProcessorAsync(
            new QueueProcessorOptions { Queues = [QueueName], Concurrency = concurrency },
            async (message, token) =>
            {
                var now = Interlocked.Increment(ref running);
                InterlockedMax(ref maxRunning, now);
                await Task.Delay(20, token);
                Interlocked.Decrement(ref running);
                if (Interlocked.Increment(ref done) == 12)
                {
                    allDone.TrySetResult();
                }

                return QueueHandlerResult.Complete;
            },
            allDone.Task);

        Assert.Equal(concurrency, maxRunning);
        Assert.Empty(await World.Queue.ClaimAsync(new ClaimRequest([QueueName], 10, TimeSpan.FromSeconds(30), "t"), Cancellation));
    }

    [Fact]
    public async Task A_failing_handler_is_retried_with_backoff_until_it_succeeds()
    {
        await World.Queue.EnqueueAsync(QueueName, Bytes("flaky"), cancellationToken: Cancellation);
        var attempts = new ConcurrentQueue<(int Attempt, int Failures, DateTimeOffset At)>();
        var succeeded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var backoff = new RetryBackoff { Initial = TimeSpan.FromSeconds(10), Jitter = 0 };

        await RunProcessorAsync(
            new QueueProcessorOptions { Queues = [QueueName], Backoff = backoff, LeaseDuration = LongLease, HeartbeatInterval = LongHeartbeat },
            (message, _) =>
            {
                attempts.Enqueue((message.Attempt, message.Failures, Clock.GetUtcNow()));
                if (message.Attempt < 3)
                {
                    throw new InvalidOperationException($"attempt {message.Attempt} fails");
                }

                succeeded.TrySetResult();
                return ValueTask.FromResult(QueueHandlerResult.Complete);
            },
            succeeded.Task,
            advanceClock: TimeSpan.FromSeconds(1));

        var seen = attempts.ToArray();
        Assert.Equal([1, 2, 3], seen.Select(a => a.Attempt));
        Assert.Equal([0, 1, 2], seen.Select(a => a.Failures));
        Assert.True(seen[1].At - seen[0].At >= TimeSpan.FromSeconds(10), "the first retry waited the initial backoff");
        Assert.True(seen[2].At - seen[1].At >= TimeSpan.FromSeconds(20), "the second retry waited twice as long");
    }

    [Fact]
    public async Task A_handler_that_always_fails_ends_in_the_dead_letter_store()
    {
        var id = (await World.Queue.EnqueueAsync(QueueName, Bytes("poison"), new EnqueueOptions { MaxAttempts = 3 }, Cancellation)).MessageId;
        var calls = 0;

        await RunProcessorAsync(
            new QueueProcessorOptions { Queues = [QueueName], Backoff = new RetryBackoff { Initial = TimeSpan.FromSeconds(1), Jitter = 0 }, LeaseDuration = LongLease, HeartbeatInterval = LongHeartbeat },
            (_, _) =>
            {
                Interlocked.Increment(ref calls);
                throw new FormatException("cannot parse");
            },
            until: async () => (await World.Queue.ListDeadLettersAsync(cancellationToken: Cancellation)).Data.Count == 1,
            advanceClock: TimeSpan.FromSeconds(1));

        var letter = await World.Queue.GetDeadLetterAsync(id, Cancellation);
        Assert.Equal(3, calls);
        Assert.Equal("cannot parse", letter.Reason.Message);
        Assert.Equal(nameof(FormatException), letter.Reason.Code);
        Assert.Equal(3, letter.Failures);
    }

    [Fact]
    public async Task A_handler_can_ask_for_redelivery_later()
    {
        await World.Queue.EnqueueAsync(QueueName, Bytes("sleepy"), cancellationToken: Cancellation);
        var deliveries = new ConcurrentQueue<(int Attempt, int Failures, DateTimeOffset At)>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        await RunProcessorAsync(
            new QueueProcessorOptions { Queues = [QueueName], LeaseDuration = LongLease, HeartbeatInterval = LongHeartbeat },
            (message, _) =>
            {
                deliveries.Enqueue((message.Attempt, message.Failures, Clock.GetUtcNow()));
                if (message.Attempt == 1)
                {
                    return ValueTask.FromResult(QueueHandlerResult.Redeliver(TimeSpan.FromMinutes(5)));
                }

                done.TrySetResult();
                return ValueTask.FromResult(QueueHandlerResult.Complete);
            },
            done.Task,
            advanceClock: TimeSpan.FromSeconds(30));

        var seen = deliveries.ToArray();
        Assert.Equal(2, seen.Length);
        Assert.Equal(0, seen[1].Failures);
        Assert.True(seen[1].At - seen[0].At >= TimeSpan.FromMinutes(5), $"redelivered after {seen[1].At - seen[0].At}: {string.Join(", ", seen)}");
    }

    [Fact]
    public async Task Shutdown_stops_claiming_and_lets_running_handlers_finish()
    {
        await World.Queue.EnqueueAsync(QueueName, Bytes("running"), cancellationToken: Cancellation);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handled = new ConcurrentQueue<string>();
        var processor = new QueueProcessor(
            World.Queue,
            new QueueProcessorOptions { Queues = [QueueName], ShutdownTimeout = TimeSpan.FromMinutes(1) },
            async (message, _) =>
            {
                handled.Enqueue(message.MessageId);
                started.TrySetResult();
                await release.Task;
                return QueueHandlerResult.Complete;
            },
            Clock);

        using var stop = new CancellationTokenSource();
        var run = processor.RunAsync(stop.Token);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30), Cancellation);
        await stop.CancelAsync();
        await World.Queue.EnqueueAsync(QueueName, Bytes("after stop"), cancellationToken: Cancellation);
        await Task.Delay(100, Cancellation);
        Assert.False(run.IsCompleted, "shutdown waits for the running handler");

        release.TrySetResult();
        await run.WaitAsync(TimeSpan.FromSeconds(30), Cancellation);

        Assert.Single(handled);
        var left = Assert.Single(await World.Queue.ClaimAsync(new ClaimRequest([QueueName], 10, TimeSpan.FromSeconds(30), "t"), Cancellation));
        Assert.Equal(Bytes("after stop"), left.Payload.ToArray());
    }

    [Fact]
    public async Task Handlers_still_running_after_the_grace_period_are_cancelled_and_their_messages_released()
    {
        var id = (await World.Queue.EnqueueAsync(QueueName, Bytes("stuck"), cancellationToken: Cancellation)).MessageId;
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var processor = new QueueProcessor(
            World.Queue,
            new QueueProcessorOptions { Queues = [QueueName], ShutdownTimeout = TimeSpan.FromSeconds(10) },
            async (_, token) =>
            {
                started.TrySetResult();
                await Task.Delay(Timeout.Infinite, token);
                return QueueHandlerResult.Complete;
            },
            Clock);

        using var stop = new CancellationTokenSource();
        var run = processor.RunAsync(stop.Token);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30), Cancellation);
        await stop.CancelAsync();
        while (!run.IsCompleted)
        {
            Clock.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(run, Task.Delay(10, Cancellation));
        }

        await run;
        var released = Assert.Single(await World.Queue.ClaimAsync(new ClaimRequest([QueueName], 10, TimeSpan.FromSeconds(30), "t"), Cancellation));
        Assert.Equal(id, released.MessageId);
        Assert.Equal(0, released.Failures);
    }

    [Fact]
    public async Task Eight_consumers_process_every_message_exactly_once()
    {
        var total = ManyMessages;
        var enqueued = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < total; i++)
        {
            enqueued.Add((await World.Queue.EnqueueAsync(QueueName, BitConverter.GetBytes(i), cancellationToken: Cancellation)).MessageId);
        }

        var seen = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var processed = 0;
        var allDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        QueueHandler handler = (message, _) =>
        {
            seen.AddOrUpdate(message.MessageId, 1, static (_, count) => count + 1);
            if (Interlocked.Increment(ref processed) == total)
            {
                allDone.TrySetResult();
            }

            return ValueTask.FromResult(QueueHandlerResult.Complete);
        };

        using var stop = new CancellationTokenSource();
        var consumers = Enumerable.Range(0, 8)
            .Select(i => new QueueProcessor(World.Queue, new QueueProcessorOptions { Queues = [QueueName], Concurrency = 4, Owner = $"consumer-{i}" }, handler, Clock))
            .Select(processor => processor.RunAsync(stop.Token))
            .ToArray();
        await allDone.Task.WaitAsync(TimeSpan.FromMinutes(5), Cancellation);
        await stop.CancelAsync();
        await Task.WhenAll(consumers).WaitAsync(TimeSpan.FromSeconds(60), Cancellation);

        Assert.Equal(total, seen.Count);
        Assert.True(enqueued.SetEquals(seen.Keys));
        Assert.All(seen, pair => Assert.Equal(1, pair.Value));
        Assert.Empty(await World.Queue.ClaimAsync(new ClaimRequest([QueueName], 10, TimeSpan.FromSeconds(30), "t"), Cancellation));
    }

    [Fact]
    public async Task Messages_held_by_a_crashed_consumer_are_processed_after_their_leases_expire()
    {
        var total = Math.Max(20, ManyMessages / 20);
        for (var i = 0; i < total; i++)
        {
            await World.Queue.EnqueueAsync(QueueName, BitConverter.GetBytes(i), cancellationToken: Cancellation);
        }

        // A consumer takes a tenth of the messages and dies without settling them.
        var orphaned = await World.Queue.ClaimAsync(new ClaimRequest([QueueName], total / 10, TimeSpan.FromSeconds(30), "crashed"), Cancellation);
        var seen = new ConcurrentDictionary<string, QueueMessage>(StringComparer.Ordinal);
        QueueHandler handler = (message, _) =>
        {
            seen[message.MessageId] = message;
            return ValueTask.FromResult(QueueHandlerResult.Complete);
        };
        using var stop = new CancellationTokenSource();
        var consumers = Enumerable.Range(0, 4)
            .Select(i => new QueueProcessor(World.Queue, new QueueProcessorOptions { Queues = [QueueName], Concurrency = 4, LeaseDuration = LongLease, HeartbeatInterval = LongHeartbeat, PollInterval = TimeSpan.FromSeconds(5) }, handler, Clock))
            .Select(processor => processor.RunAsync(stop.Token))
            .ToArray();

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (seen.Count < total)
        {
            Assert.True(DateTime.UtcNow < deadline, $"only {seen.Count} of {total} messages were processed");
            Clock.Advance(TimeSpan.FromSeconds(5));
            await Task.Delay(10, Cancellation);
        }

        await stop.CancelAsync();
        await Task.WhenAll(consumers).WaitAsync(TimeSpan.FromSeconds(60), Cancellation);
        Assert.All(orphaned, message =>
        {
            Assert.Equal(2, seen[message.MessageId].Attempt);
            Assert.Equal(1, seen[message.MessageId].Failures);
        });
        Assert.Empty(await World.Queue.ClaimAsync(new ClaimRequest([QueueName], 10, TimeSpan.FromSeconds(30), "t"), Cancellation));
    }

    [Fact]
    public async Task A_processor_runs_once()
    {
        var processor = new QueueProcessor(World.Queue, new QueueProcessorOptions { Queues = [QueueName] }, (_, _) => ValueTask.FromResult(QueueHandlerResult.Complete), Clock);
        using var stop = new CancellationTokenSource();
        var run = processor.RunAsync(stop.Token);
        await Assert.ThrowsAsync<InvalidOperationException>(() => processor.RunAsync(stop.Token));
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(30), Cancellation);
    }

    [Fact]
    public void Invalid_processor_options_are_rejected_with_the_option_named()
    {
        QueueHandler handler = (_, _) => ValueTask.FromResult(QueueHandlerResult.Complete);
        var error = Assert.ThrowsAny<WorldValidationException>(() => new QueueProcessor(World.Queue, new QueueProcessorOptions { Queues = [QueueName], LeaseDuration = TimeSpan.FromSeconds(5), HeartbeatInterval = TimeSpan.FromSeconds(5) }, handler, Clock));
        Assert.Contains("HeartbeatInterval", error.Message, StringComparison.Ordinal);
        Assert.ThrowsAny<WorldValidationException>(() => new QueueProcessor(World.Queue, new QueueProcessorOptions { Queues = [QueueName], Concurrency = 0 }, handler, Clock));
        Assert.ThrowsAny<WorldValidationException>(() => new QueueProcessor(World.Queue, new QueueProcessorOptions { Queues = [] }, handler, Clock));
    }

    [Fact]
    public async Task A_running_processor_is_a_live_consumer_of_its_queues_until_it_stops()
    {
        var options = new QueueProcessorOptions { Queues = [QueueName], Concurrency = 3, Owner = "kit-consumer-1" };
        var processor = new QueueProcessor(World.Queue, options, (_, _) => ValueTask.FromResult(QueueHandlerResult.Complete), Clock);
        using var stop = new CancellationTokenSource();
        var run = processor.RunAsync(stop.Token);

        Assert.StartsWith("kit-consumer-1#", processor.ConsumerId, StringComparison.Ordinal);
        var consumer = await WaitForConsumerAsync(processor.ConsumerId, c => c.ExpiresAt == Clock.GetUtcNow() + (options.PresenceInterval * 3));
        Assert.Equal([QueueName], consumer.QueueNames);
        Assert.Equal(3, consumer.Capacity);
        Assert.Equal(0, consumer.InFlight);

        // It renews its report every interval, so it never lapses while it runs.
        for (var i = 0; i < 4; i++)
        {
            Clock.Advance(options.PresenceInterval);
            await WaitForConsumerAsync(processor.ConsumerId, c => c.ExpiresAt == Clock.GetUtcNow() + (options.PresenceInterval * 3), () => Clock.Advance(options.PresenceInterval));
        }

        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(30), Cancellation);
        Assert.DoesNotContain(await World.Queue.ListConsumersAsync(Cancellation), c => c.ConsumerId == processor.ConsumerId);
    }

    // The fake clock may be advanced before the processor's presence loop has set its next timer (the loop is still
    // finishing its last report): that timer then waits for the next advance. Without a matching report for a second,
    // the test advances again (nudge); the match is computed from the clock at each look, so it still demands a
    // report renewed at the current time.
    private async Task<QueueConsumer> WaitForConsumerAsync(string consumerId, Func<QueueConsumer, bool> match, Action? nudge = null)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var nextNudge = DateTime.UtcNow + TimeSpan.FromSeconds(1);
        while (true)
        {
            if ((await World.Queue.ListConsumersAsync(Cancellation)).FirstOrDefault(c => c.ConsumerId == consumerId && match(c)) is { } found)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, "the processor did not report itself as a consumer");
            if (nudge is not null && DateTime.UtcNow >= nextNudge)
            {
                nudge();
                nextNudge = DateTime.UtcNow + TimeSpan.FromSeconds(1);
            }

            await Task.Delay(10, Cancellation);
        }
    }

    /// <summary>Runs one processor until <paramref name="done"/> completes, advancing the fake clock meanwhile if asked, then stops it.</summary>
    protected Task RunProcessorAsync(QueueProcessorOptions options, QueueHandler handler, Task done, TimeSpan? advanceClock = null) =>
        RunProcessorAsync(options, handler, () => Task.FromResult(done.IsCompleted), advanceClock);

    private async Task RunProcessorAsync(QueueProcessorOptions options, QueueHandler handler, Func<Task<bool>> until, TimeSpan? advanceClock = null)
    {
        var processor = new QueueProcessor(World.Queue, options, handler, Clock);
        using var stop = new CancellationTokenSource();
        var run = processor.RunAsync(stop.Token);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!await until())
        {
            Assert.True(DateTime.UtcNow < deadline, "the processor did not finish in time");
            Assert.False(run.IsCompleted, "the processor stopped on its own");
            if (advanceClock is { } step)
            {
                Clock.Advance(step);
            }

            await Task.Delay(10, Cancellation);
        }

        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(30), Cancellation);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
