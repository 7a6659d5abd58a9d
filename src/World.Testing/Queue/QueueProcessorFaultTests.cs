using System.Collections.Concurrent;
using World.Queue;
using World.Testing.Faults;

namespace World.Testing.Queue;

/// <summary>
/// The shared consumer when the World fails under it: claims that fail for any reason are retried and the
/// processor lives on, a failed renewal is retried until the lease is really lost, a handler whose lease cannot be
/// kept is cancelled before anyone else can take its message, settlements are retried while the lease is held, and
/// a handler that ignores cancellation cannot hold shutdown or its message.
/// </summary>
/// <typeparam name="TFactory">The backend's factory of Worlds (see <see cref="IWorldFactory"/>).</typeparam>
public abstract class QueueProcessorFaultTests<TFactory> : WorldTestBase<TFactory>
    where TFactory : class, IWorldFactory
{
    private const string QueueName = "__wkf_step_faults";
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(10);

    private FaultInjectingQueue? _faulty;

    /// <summary>The World's queue behind a fault injector.</summary>
    protected FaultInjectingQueue Faulty => _faulty ??= new FaultInjectingQueue(World.Queue);

    [Fact]
    public async Task A_claim_that_fails_for_any_reason_is_retried_and_the_processor_lives_on()
    {
        await World.Queue.EnqueueAsync(QueueName, Bytes("after the outage"), cancellationToken: Cancellation);
        var faults = 0;
        Faulty.Claims.FailAlways(() => Interlocked.Increment(ref faults) switch
        {
            1 => new WorldTransientException("connection refused"),
            2 => new WorldConfigurationException("relation \"world.queue_messages\" does not exist"),
            _ => new InvalidOperationException("a defect in the backend"),
        });
        var handled = new TaskCompletionSource<QueueMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        var processor = NewProcessor((message, _) =>
        {
            handled.TrySetResult(message);
            return ValueTask.FromResult(QueueHandlerResult.Complete);
        });

        using var stop = new CancellationTokenSource();
        var run = processor.RunAsync(stop.Token);
        await AdvanceUntilAsync(() => Faulty.Claims.Faults >= 3 && processor.Health.ConsecutiveFailures >= 3, run);
        Assert.Equal(QueueProcessorState.Unhealthy, processor.Health.State);
        Assert.Contains("InvalidOperationException", processor.Health.Description, StringComparison.Ordinal);
        Assert.False(run.IsCompleted, "a failing claim does not stop the processor");

        Faulty.Claims.Heal();
        await AdvanceUntilAsync(() => handled.Task.IsCompleted, run);

        Assert.Equal(Bytes("after the outage"), (await handled.Task).Payload.ToArray());
        await EventuallyAsync(() => processor.Health.State == QueueProcessorState.Healthy, "the processor reports healthy again");
        Assert.Equal(0, processor.Health.ConsecutiveFailures);
        await StopAsync(stop, run);
    }

    [Fact]
    public async Task A_failed_renewal_is_retried_and_the_lease_is_kept()
    {
        var id = (await World.Queue.EnqueueAsync(QueueName, Bytes("long job"), cancellationToken: Cancellation)).MessageId;
        Faulty.Renewals.FailNext(new WorldTransientException("connection reset"), new WorldTransientException("connection reset"));
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finish = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var deliveries = 0;
        var processor = NewProcessor(async (_, token) =>
        {
            Interlocked.Increment(ref deliveries);
            started.TrySetResult();
            await finish.Task.WaitAsync(token);
            return QueueHandlerResult.Complete;
        });

        using var stop = new CancellationTokenSource();
        var run = processor.RunAsync(stop.Token);
        await started.Task.WaitAsync(Patience, Cancellation);

        // Three leases' worth of time: without renewals that survive a failure, another consumer would take it.
        for (var second = 0; second < 3 * Lease.TotalSeconds; second++)
        {
            Clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(5, Cancellation);
            Assert.Empty(await World.Queue.ClaimAsync(new ClaimRequest([QueueName], 1, Lease, "another-consumer"), Cancellation));
        }

        Assert.True(Faulty.Renewals.Calls > 2, "renewals went on after the failures");
        finish.TrySetResult();
        await EventuallyAsync(() => processor.RunningHandlers == 0, "the handler finished");
        await StopAsync(stop, run);
        Assert.Equal(1, deliveries);
        Clock.Advance(2 * Lease);
        Assert.Empty(await World.Queue.ClaimAsync(new ClaimRequest([QueueName], 1, Lease, "another-consumer"), Cancellation));
        await Assert.ThrowsAsync<EntityNotFoundException>(() => World.Queue.GetDeadLetterAsync(id, Cancellation));
    }

    [Fact]
    public async Task A_handler_whose_lease_cannot_be_renewed_is_cancelled_before_anyone_else_can_take_its_message()
    {
        await World.Queue.EnqueueAsync(QueueName, Bytes("job"), cancellationToken: Cancellation);
        Faulty.Renewals.FailAlways(static () => new WorldTransientException("the database is down"));
        var executions = new ConcurrentQueue<(int Attempt, DateTimeOffset Start, DateTimeOffset End, DateTimeOffset LeaseExpiry)>();
        var secondDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var processor = NewProcessor(async (message, token) =>
        {
            var start = Clock.GetUtcNow();
            try
            {
                if (message.Attempt == 1)
                {
                    await Task.Delay(Timeout.Infinite, token);
                }

                secondDone.TrySetResult();
                return QueueHandlerResult.Complete;
            }
            finally
            {
                executions.Enqueue((message.Attempt, start, Clock.GetUtcNow(), message.Lease.ExpiresAt));
            }
        });

        using var stop = new CancellationTokenSource();
        var run = processor.RunAsync(stop.Token);
        await AdvanceUntilAsync(() => secondDone.Task.IsCompleted, run);
        await StopAsync(stop, run);

        var ordered = executions.OrderBy(static e => e.Attempt).ToArray();
        Assert.True(ordered.Length >= 2, "the message was delivered again after the first handler was cancelled");
        Assert.True(ordered[0].End < ordered[0].LeaseExpiry, $"the first handler was told at {ordered[0].End:O}, before its lease expired at {ordered[0].LeaseExpiry:O}");
        Assert.True(ordered[1].Start >= ordered[0].End, "the second delivery started only after the first handler ended");
    }

    [Fact]
    public async Task A_message_claimed_again_while_its_earlier_delivery_still_runs_here_waits_for_it()
    {
        await World.Queue.EnqueueAsync(QueueName, Bytes("job"), cancellationToken: Cancellation);
        // Renewals fail and the first handler ignores its cancellation: its lease lapses and this processor's own
        // claim takes the message again while the first handler still runs.
        Faulty.Renewals.FailAlways(static () => new WorldTransientException("the database is down"));
        var releaseFirst = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstRunning = 0;
        var overlaps = 0;
        var secondDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var processor = new QueueProcessor(
            Faulty,
            new QueueProcessorOptions { Queues = [QueueName], Concurrency = 2, LeaseDuration = Lease, HeartbeatInterval = Heartbeat, PollInterval = TimeSpan.FromSeconds(1) },
            async (message, _) =>
            {
                if (message.Attempt == 1)
                {
                    Volatile.Write(ref firstRunning, 1);
                    await releaseFirst.Task;
                    Volatile.Write(ref firstRunning, 0);
                    return QueueHandlerResult.Complete;
                }

                if (Volatile.Read(ref firstRunning) == 1)
                {
                    Interlocked.Increment(ref overlaps);
                }

                secondDone.TrySetResult();
                return QueueHandlerResult.Complete;
            },
            Clock);

        using var stop = new CancellationTokenSource();
        var run = processor.RunAsync(stop.Token);
        await EventuallyAsync(() => Volatile.Read(ref firstRunning) == 1, "the first delivery runs");
        for (var second = 0; second < 3 * Lease.TotalSeconds; second++)
        {
            Clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(5, Cancellation);
        }

        Assert.False(secondDone.Task.IsCompleted, "the second delivery waits while the first still runs");
        releaseFirst.TrySetResult();
        await AdvanceUntilAsync(() => secondDone.Task.IsCompleted, run);
        await StopAsync(stop, run);
        Assert.Equal(0, overlaps);
    }

    [Fact]
    public async Task A_settlement_that_fails_transiently_is_retried_while_the_lease_is_held()
    {
        var id = (await World.Queue.EnqueueAsync(QueueName, Bytes("job"), cancellationToken: Cancellation)).MessageId;
        Faulty.Settlements.FailNext(new WorldTransientException("connection reset"), new WorldTransientException("connection reset"));
        var deliveries = 0;
        var processor = NewProcessor((_, _) =>
        {
            Interlocked.Increment(ref deliveries);
            return ValueTask.FromResult(QueueHandlerResult.Complete);
        });

        using var stop = new CancellationTokenSource();
        var run = processor.RunAsync(stop.Token);
        await AdvanceUntilAsync(() => Faulty.Settlements.Calls >= 3 && processor.RunningHandlers == 0, run);

        // Past the lease: a completion that was given up would now be redelivered.
        for (var second = 0; second < 2 * Lease.TotalSeconds; second++)
        {
            Clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(5, Cancellation);
        }

        await StopAsync(stop, run);
        Assert.Equal(1, deliveries);
        Assert.Empty(await World.Queue.ClaimAsync(new ClaimRequest([QueueName], 1, Lease, "another-consumer"), Cancellation));
        await Assert.ThrowsAsync<EntityNotFoundException>(() => World.Queue.GetDeadLetterAsync(id, Cancellation));
    }

    [Fact]
    public async Task A_handler_that_ignores_cancellation_holds_neither_shutdown_nor_its_message()
    {
        var id = (await World.Queue.EnqueueAsync(QueueName, Bytes("stubborn"), cancellationToken: Cancellation)).MessageId;
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var never = new TaskCompletionSource<QueueHandlerResult>();
        var processor = new QueueProcessor(
            World.Queue,
            new QueueProcessorOptions { Queues = [QueueName], LeaseDuration = Lease, HeartbeatInterval = Heartbeat, ShutdownTimeout = TimeSpan.FromSeconds(10), CancellationGracePeriod = TimeSpan.FromSeconds(5) },
            (_, _) =>
            {
                started.TrySetResult();
                return new ValueTask<QueueHandlerResult>(never.Task);
            },
            Clock);

        using var stop = new CancellationTokenSource();
        var run = processor.RunAsync(stop.Token);
        await started.Task.WaitAsync(Patience, Cancellation);
        await stop.CancelAsync();
        await AdvanceUntilAsync(() => run.IsCompleted, run: null);

        await run;
        Assert.Equal(1, processor.Health.AbandonedHandlers);
        var released = Assert.Single(await World.Queue.ClaimAsync(new ClaimRequest([QueueName], 1, Lease, "another-consumer"), Cancellation));
        Assert.Equal(id, released.MessageId);
        Assert.Equal(0, released.Failures);
    }

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_failing_presence_report_is_retried_and_never_stops_processing()
    {
        Faulty.ConsumerReports.FailAlways(() => new WorldTransientException("connection refused"));
        var handled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var processor = NewProcessor((_, _) =>
        {
            handled.TrySetResult();
            return ValueTask.FromResult(QueueHandlerResult.Complete);
        });

        using var stop = new CancellationTokenSource();
        var run = processor.RunAsync(stop.Token);
        await AdvanceUntilAsync(() => Faulty.ConsumerReports.Faults >= 2, run);
        await World.Queue.EnqueueAsync(QueueName, Bytes("still processed"), cancellationToken: Cancellation);
        await AdvanceUntilAsync(() => handled.Task.IsCompleted, run);
        Assert.Empty(await World.Queue.ListConsumersAsync(Cancellation));

        Faulty.ConsumerReports.Heal();
        var reports = Faulty.ConsumerReports.Calls;
        await AdvanceUntilAsync(() => Faulty.ConsumerReports.Calls > reports, run);
        var deadline = DateTime.UtcNow + Patience;
        while ((await World.Queue.ListConsumersAsync(Cancellation)).Count != 1)
        {
            Assert.True(DateTime.UtcNow < deadline, "the processor did not report itself again");
            await Task.Delay(5, Cancellation);
        }

        Assert.Equal(QueueProcessorState.Healthy, processor.Health.State);
        await StopAsync(stop, run);
    }

    private QueueProcessor NewProcessor(QueueHandler handler) =>
        new(
            Faulty,
            new QueueProcessorOptions { Queues = [QueueName], LeaseDuration = Lease, HeartbeatInterval = Heartbeat, PollInterval = TimeSpan.FromSeconds(1) },
            handler,
            Clock);

    /// <summary>Moves the fake clock a quarter second at a time (real time passing too) until <paramref name="condition"/> holds.</summary>
    private async Task AdvanceUntilAsync(Func<bool> condition, Task? run)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the expected outcome did not happen in time");
            Assert.False(run?.IsCompleted ?? false, "the processor stopped on its own");
            Clock.Advance(TimeSpan.FromMilliseconds(250));
            await Task.Delay(5, Cancellation);
        }
    }

    private static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting until {what}.");
            }

            await Task.Delay(5, Cancellation);
        }
    }

    private async Task StopAsync(CancellationTokenSource stop, Task run)
    {
        await stop.CancelAsync();
        await AdvanceUntilAsync(() => run.IsCompleted, run: null);
        await run;
    }
}
