using System.Text;
using World.Backends;

namespace World.Testing.Queue;

/// <summary>
/// Queue inspection: why a message is or is not running (<see cref="DispatchReason"/>), backlog counts per queue, and
/// consumer presence with its time to live. The decisions are <c>World.Backends.DispatchRules</c>'; this suite checks
/// that each backend reads the state they decide from correctly (docs/observability.md, "Dispatch reason codes").
/// </summary>
public abstract class DispatchStatusTests<TFactory> : WorldTestBase<TFactory>
    where TFactory : class, IWorldFactory
{
    private const string Orders = "dispatch-orders";
    private const string Other = "dispatch-other";
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(20);

    private IWorldQueue Queue => World.Queue;

    [Fact]
    public async Task A_message_nobody_listens_for_is_explained_as_no_consumer()
    {
        var id = await EnqueueAsync(Orders);

        var status = await StatusAsync(id);

        Assert.Equal(DispatchReason.NoConsumer, status.Reason);
        Assert.Equal("no_consumer", status.Code);
        Assert.Equal(id, status.MessageId);
        Assert.Equal(Orders, status.QueueName);
        Assert.Equal(Clock.GetUtcNow(), status.EnqueuedAt);
        Assert.Equal(Clock.GetUtcNow(), status.AsOf);
        Assert.Contains(Orders, status.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_consumer_with_a_free_slot_makes_it_ready_and_a_full_one_at_capacity()
    {
        var id = await EnqueueAsync(Orders);
        await Queue.ReportConsumerAsync(new ConsumerReport("elsewhere", [Other], 4, 0, Ttl), Cancellation);
        Assert.Equal(DispatchReason.NoConsumer, (await StatusAsync(id)).Reason);

        await Queue.ReportConsumerAsync(new ConsumerReport("worker-a", [Orders, Other], 2, 2, Ttl), Cancellation);
        Assert.Equal(DispatchReason.ConsumersAtCapacity, (await StatusAsync(id)).Reason);

        await Queue.ReportConsumerAsync(new ConsumerReport("worker-b", [Orders], 3, 1, Ttl), Cancellation);
        Assert.Equal(DispatchReason.Ready, (await StatusAsync(id)).Reason);

        // A new report replaces the consumer's previous one.
        await Queue.ReportConsumerAsync(new ConsumerReport("worker-b", [Orders], 3, 3, Ttl), Cancellation);
        Assert.Equal(DispatchReason.ConsumersAtCapacity, (await StatusAsync(id)).Reason);
    }

    [Fact]
    public async Task A_consumer_report_lapses_after_its_time_to_live_and_removal_forgets_it_at_once()
    {
        var id = await EnqueueAsync(Orders);
        await Queue.ReportConsumerAsync(new ConsumerReport("worker-a", [Orders], 2, 0, Ttl), Cancellation);
        await Queue.ReportConsumerAsync(new ConsumerReport("worker-b", [Orders], 2, 0, Ttl * 2), Cancellation);

        var consumers = await Queue.ListConsumersAsync(Cancellation);
        Assert.Equal(["worker-a", "worker-b"], consumers.Select(c => c.ConsumerId));
        var a = consumers[0];
        Assert.Equal([Orders], a.QueueNames);
        Assert.Equal(2, a.Capacity);
        Assert.Equal(0, a.InFlight);
        Assert.Equal(Clock.GetUtcNow(), a.ReportedAt);
        Assert.Equal(Clock.GetUtcNow() + Ttl, a.ExpiresAt);

        Clock.Advance(Ttl);
        Assert.Equal(["worker-b"], (await Queue.ListConsumersAsync(Cancellation)).Select(c => c.ConsumerId));
        Assert.Equal(DispatchReason.Ready, (await StatusAsync(id)).Reason);

        await Queue.RemoveConsumerAsync("worker-b", Cancellation);
        await Queue.RemoveConsumerAsync("never-seen", Cancellation);
        Assert.Empty(await Queue.ListConsumersAsync(Cancellation));
        Assert.Equal(DispatchReason.NoConsumer, (await StatusAsync(id)).Reason);
    }

    [Fact]
    public async Task A_delayed_message_says_until_when()
    {
        var id = await EnqueueAsync(Orders, new EnqueueOptions { Delay = TimeSpan.FromMinutes(5) });

        var status = await StatusAsync(id);

        Assert.Equal(DispatchReason.Delayed, status.Reason);
        Assert.Equal(Clock.GetUtcNow() + TimeSpan.FromMinutes(5), status.Until);

        Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(DispatchReason.NoConsumer, (await StatusAsync(id)).Reason);
    }

    [Fact]
    public async Task A_leased_message_names_its_consumer_and_lease_then_lapses()
    {
        var id = await EnqueueAsync(Orders);
        var message = Assert.Single(await Queue.ClaimAsync(new ClaimRequest([Orders], 1, Lease, "worker-7"), Cancellation));

        var running = await StatusAsync(id);
        Assert.Equal(DispatchReason.Running, running.Reason);
        Assert.Equal("worker-7", running.LeaseOwner);
        Assert.Equal(message.Lease.ExpiresAt, running.Until);
        Assert.Equal(1, running.Attempt);

        Clock.Advance(Lease);
        var lapsed = await StatusAsync(id);
        Assert.Equal(DispatchReason.LeaseExpired, lapsed.Reason);
        Assert.Equal("worker-7", lapsed.LeaseOwner);
        Assert.Null(lapsed.Until);
    }

    [Fact]
    public async Task A_released_message_is_no_longer_explained_by_its_old_lease()
    {
        var id = await EnqueueAsync(Orders);
        var message = Assert.Single(await Queue.ClaimAsync(new ClaimRequest([Orders], 1, Lease, "worker-7"), Cancellation));
        Assert.True(await Queue.ReleaseAsync(message.Lease, TimeSpan.FromSeconds(10), Cancellation));

        var status = await StatusAsync(id);

        Assert.Equal(DispatchReason.Delayed, status.Reason);
        Assert.Null(status.LeaseOwner);
        Assert.Equal(Clock.GetUtcNow() + TimeSpan.FromSeconds(10), status.Until);
    }

    [Fact]
    public async Task Completed_purged_and_unknown_messages_are_not_found()
    {
        var id = await EnqueueAsync(Orders);
        var message = Assert.Single(await Queue.ClaimAsync(new ClaimRequest([Orders], 1, Lease, "w"), Cancellation));
        Assert.True(await Queue.CompleteAsync(message.Lease, Cancellation));

        var completed = await StatusAsync(id);
        var unknown = await StatusAsync(NewId(IdPrefixes.Message));

        Assert.Equal(DispatchReason.NotFound, completed.Reason);
        Assert.Null(completed.MessageId);
        Assert.Equal("not_found", completed.Code);
        Assert.Equal(DispatchReason.NotFound, unknown.Reason);
    }

    [Fact]
    public async Task A_dead_letter_is_explained_by_id_and_by_key()
    {
        var id = await EnqueueAsync(Orders, new EnqueueOptions { MaxAttempts = 1, IdempotencyKey = "run-42" });
        var message = Assert.Single(await Queue.ClaimAsync(new ClaimRequest([Orders], 1, Lease, "w"), Cancellation));
        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(FailureOutcome.DeadLettered, await Queue.FailAsync(message.Lease, new QueueFailure(new StructuredError("boom"), TimeSpan.Zero), Cancellation));

        var byId = await StatusAsync(id);
        var byKey = await Queue.GetDispatchStatusAsync(DispatchQuery.ForKey(Orders, "run-42"), Cancellation);

        Assert.Equal(DispatchReason.DeadLettered, byId.Reason);
        Assert.Equal(1, byId.Failures);
        Assert.Equal(byId with { AsOf = byKey.AsOf }, byKey);
        Assert.Equal(DispatchReason.NotFound, (await Queue.GetDispatchStatusAsync(DispatchQuery.ForKey(Other, "run-42"), Cancellation)).Reason);
    }

    [Fact]
    public async Task A_live_message_is_found_by_its_idempotency_key_before_an_older_dead_letter_with_it()
    {
        var first = await EnqueueAsync(Orders, new EnqueueOptions { MaxAttempts = 1, IdempotencyKey = "run-7" });
        var message = Assert.Single(await Queue.ClaimAsync(new ClaimRequest([Orders], 1, Lease, "w"), Cancellation));
        await Queue.FailAsync(message.Lease, new QueueFailure(new StructuredError("boom"), TimeSpan.Zero), Cancellation);
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        var second = await EnqueueAsync(Orders, new EnqueueOptions { IdempotencyKey = "run-7", Delay = TimeSpan.FromSeconds(3) });

        var status = await Queue.GetDispatchStatusAsync(DispatchQuery.ForKey(Orders, "run-7"), Cancellation);

        Assert.NotEqual(first, second);
        Assert.Equal(second, status.MessageId);
        Assert.Equal(DispatchReason.Delayed, status.Reason);
    }

    [Fact]
    public async Task Stats_count_each_state_the_oldest_ready_age_dead_letters_and_consumers()
    {
        var oldest = Clock.GetUtcNow();
        await EnqueueAsync(Orders);
        Clock.Advance(TimeSpan.FromSeconds(1));
        await EnqueueAsync(Orders);
        Clock.Advance(TimeSpan.FromSeconds(1));
        await EnqueueAsync(Orders, new EnqueueOptions { Priority = 9 });
        await EnqueueAsync(Orders, new EnqueueOptions { Delay = TimeSpan.FromHours(1) });
        await EnqueueAsync(Orders, new EnqueueOptions { MaxAttempts = 1 });
        await EnqueueAsync(Other);
        // The priority-9 message and the next one are leased; one lapses after the other's lease is renewed.
        var claimed = await Queue.ClaimAsync(new ClaimRequest([Orders], 2, Lease, "w"), Cancellation);
        Assert.Equal(2, claimed.Count);
        Clock.Advance(TimeSpan.FromSeconds(20));
        Assert.True(await Queue.RenewAsync(claimed[0].Lease, Lease, Cancellation));
        Clock.Advance(TimeSpan.FromSeconds(15));
        await Queue.ReportConsumerAsync(new ConsumerReport("w", [Orders], 8, 2, Ttl), Cancellation);

        var stats = Assert.Single(await Queue.GetStatsAsync([Orders], Cancellation));

        Assert.Equal(Orders, stats.QueueName);
        Assert.Equal(2, stats.Ready);
        Assert.Equal(1, stats.Delayed);
        Assert.Equal(1, stats.Running);
        Assert.Equal(1, stats.LeaseExpired);
        Assert.Equal(0, stats.DeadLettered);
        Assert.Equal(1, stats.Consumers);
        Assert.Equal(8, stats.Capacity);
        Assert.Equal(2, stats.InFlight);
        Assert.Equal(DispatchReason.Ready, stats.ReadyReason);
        Assert.Equal(Clock.GetUtcNow(), stats.AsOf);
        Assert.NotNull(stats.OldestReadyAt);
        Assert.True(stats.OldestReadyAt >= oldest, "the oldest ready message is one of those enqueued");
        Assert.Equal(stats.AsOf - stats.OldestReadyAt!.Value, stats.OldestReadyAge);
    }

    [Fact]
    public async Task Stats_of_named_queues_come_in_the_asked_order_with_zeros_and_all_queues_omit_the_empty_ones()
    {
        await EnqueueAsync(Other);
        var dead = await EnqueueAsync(Orders, new EnqueueOptions { MaxAttempts = 1 });
        var message = Assert.Single(await Queue.ClaimAsync(new ClaimRequest([Orders], 1, Lease, "w"), Cancellation));
        Assert.Equal(dead, message.MessageId);
        await Queue.FailAsync(message.Lease, new QueueFailure(new StructuredError("boom"), TimeSpan.Zero), Cancellation);

        var named = await Queue.GetStatsAsync([Other, "dispatch-empty", Orders], Cancellation);
        var all = await Queue.GetStatsAsync(null, Cancellation);

        Assert.Equal([Other, "dispatch-empty", Orders], named.Select(s => s.QueueName));
        Assert.Equal(1, named[0].Ready);
        Assert.Equal(DispatchReason.NoConsumer, named[0].ReadyReason);
        Assert.Equal(0, named[1].Ready + named[1].Delayed + named[1].Running + named[1].LeaseExpired + named[1].DeadLettered);
        Assert.Null(named[1].OldestReadyAt);
        Assert.Equal(TimeSpan.Zero, named[1].OldestReadyAge);
        Assert.Equal(1, named[2].DeadLettered);
        Assert.Equal(0, named[2].Ready);
        Assert.Equal([Orders, Other], all.Select(s => s.QueueName));
    }

    [Fact]
    public async Task Invalid_queries_and_reports_are_refused_with_a_validation_error()
    {
        await Assert.ThrowsAnyAsync<WorldValidationException>(() => Queue.GetDispatchStatusAsync(DispatchQuery.ForMessage("bad id\n"), Cancellation));
        await Assert.ThrowsAnyAsync<WorldValidationException>(() => Queue.GetDispatchStatusAsync(DispatchQuery.ForKey("", "k"), Cancellation));
        await Assert.ThrowsAnyAsync<WorldValidationException>(() => Queue.GetDispatchStatusAsync(null!, Cancellation));
        await Assert.ThrowsAnyAsync<WorldValidationException>(() => Queue.ReportConsumerAsync(new ConsumerReport("w", [Orders], 0, 0, Ttl), Cancellation));
        await Assert.ThrowsAnyAsync<WorldValidationException>(() => Queue.ReportConsumerAsync(new ConsumerReport("w", [Orders], 2, 3, Ttl), Cancellation));
        await Assert.ThrowsAnyAsync<WorldValidationException>(() => Queue.ReportConsumerAsync(new ConsumerReport("w", [], 2, 0, Ttl), Cancellation));
        await Assert.ThrowsAnyAsync<WorldValidationException>(() => Queue.ReportConsumerAsync(new ConsumerReport("w", [Orders], 2, 0, TimeSpan.Zero), Cancellation));
        await Assert.ThrowsAnyAsync<WorldValidationException>(() => Queue.ReportConsumerAsync(new ConsumerReport("w", [Orders], 2, 0, TimeSpan.FromHours(2)), Cancellation));
        await Assert.ThrowsAnyAsync<WorldValidationException>(() => Queue.ReportConsumerAsync(new ConsumerReport("w\0", [Orders], 2, 0, Ttl), Cancellation));
        await Assert.ThrowsAnyAsync<WorldValidationException>(() => Queue.GetStatsAsync(["ok", "bad\u0000name"], Cancellation));
        Assert.Empty(await Queue.ListConsumersAsync(Cancellation));
    }

    private Task<DispatchStatus> StatusAsync(string messageId) => Queue.GetDispatchStatusAsync(DispatchQuery.ForMessage(messageId), Cancellation);

    private async Task<string> EnqueueAsync(string queue, EnqueueOptions? options = null) =>
        (await Queue.EnqueueAsync(queue, Encoding.UTF8.GetBytes("secret payload"), options, Cancellation)).MessageId;
}
