using System.Text;
using World.Backends;

namespace World.Testing.Queue;

/// <summary>
/// The queue primitives: ordering, delays on the fake clock, idempotency keys, leases, fenced settlement, failures,
/// dead letters (docs/guarantees.md#8-queue).
/// </summary>
/// <typeparam name="TFactory">The backend's factory of Worlds (see <see cref="IWorldFactory"/>).</typeparam>
public abstract class QueueTests<TFactory> : WorldTestBase<TFactory>
    where TFactory : class, IWorldFactory
{
    /// <summary>The queue every test uses unless it needs several.</summary>
    protected const string QueueName = "__wkf_workflow_orders";

    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private IWorldQueue Queue => World.Queue;

    [Fact]
    public async Task An_enqueued_message_is_delivered_byte_exact_with_its_metadata()
    {
        byte[] payload = [0, 1, 2, 0xFF, 0, (byte)'x'];
        var headers = new Dictionary<string, string> { ["traceparent"] = "00-abc-def-01" };
        var enqueued = await Queue.EnqueueAsync(QueueName, payload, new EnqueueOptions { Headers = headers, Priority = 3 }, Cancellation);

        var message = Assert.Single(await ClaimAsync());

        Assert.False(enqueued.Duplicate);
        Assert.StartsWith(IdPrefixes.Message, enqueued.MessageId, StringComparison.Ordinal);
        Assert.Equal(enqueued.MessageId, message.MessageId);
        Assert.Equal(QueueName, message.QueueName);
        Assert.Equal(payload, message.Payload.ToArray());
        Assert.Equal(headers, message.Headers);
        Assert.Equal(3, message.Priority);
        Assert.Equal(1, message.Attempt);
        Assert.Equal(0, message.Failures);
        Assert.Equal(Clock.GetUtcNow(), message.EnqueuedAt);
        Assert.Equal(Clock.GetUtcNow() + Lease, message.Lease.ExpiresAt);
        Assert.Empty(await ClaimAsync());
    }

    [Fact]
    public async Task Messages_are_claimed_by_priority_then_availability()
    {
        var early = await EnqueueAsync("early");
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        var urgent = await EnqueueAsync("urgent", new EnqueueOptions { Priority = 5 });
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        var late = await EnqueueAsync("late");
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        var backlog = await EnqueueAsync("backlog", new EnqueueOptions { Priority = -1 });

        var first = await ClaimAsync(max: 3);
        var second = await ClaimAsync(max: 3);

        Assert.Equal([urgent, early, late], first.Select(m => m.MessageId));
        Assert.Equal([backlog], second.Select(m => m.MessageId));
    }

    [Fact]
    public async Task A_claim_takes_at_most_the_requested_number_and_only_from_the_named_queues()
    {
        for (var i = 0; i < 5; i++)
        {
            await EnqueueAsync($"m{i}");
        }

        await Queue.EnqueueAsync("__wkf_step_other", Bytes("other"), cancellationToken: Cancellation);

        Assert.Equal(2, (await ClaimAsync(max: 2)).Count);
        Assert.Equal(3, (await ClaimAsync(max: 10)).Count);
        var other = Assert.Single(await Queue.ClaimAsync(new ClaimRequest([QueueName, "__wkf_step_other"], 10, Lease, "test"), Cancellation));
        Assert.Equal("__wkf_step_other", other.QueueName);
    }

    [Fact]
    public async Task A_claim_of_several_queues_delivers_across_them_in_one_delivery_order()
    {
        const string other = "__wkf_step_other";
        // A millisecond between enqueues: ids minted in one millisecond have no defined order, and ties of priority
        // and availability are broken by id.
        var early = await EnqueueAsync("early");
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        var otherEarly = (await Queue.EnqueueAsync(other, Bytes("other early"), cancellationToken: Cancellation)).MessageId;
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        var otherUrgent = (await Queue.EnqueueAsync(other, Bytes("other urgent"), new EnqueueOptions { Priority = 5 }, Cancellation)).MessageId;
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        var late = await EnqueueAsync("late");
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        var urgent = await EnqueueAsync("urgent", new EnqueueOptions { Priority = 9 });
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        var otherLate = (await Queue.EnqueueAsync(other, Bytes("other late"), cancellationToken: Cancellation)).MessageId;

        var first = await Queue.ClaimAsync(new ClaimRequest([QueueName, other], 3, Lease, "test"), Cancellation);
        var second = await Queue.ClaimAsync(new ClaimRequest([other, QueueName], 10, Lease, "test"), Cancellation);

        // Priority first, then availability, then id, whichever queue a message is in and in whatever order the queues are named.
        Assert.Equal(["urgent", "other urgent", "early"], first.Select(m => Encoding.UTF8.GetString(m.Payload.Span)));
        Assert.Equal([urgent, otherUrgent, early], first.Select(m => m.MessageId));
        Assert.Equal(["other early", "late", "other late"], second.Select(m => Encoding.UTF8.GetString(m.Payload.Span)));
        Assert.Equal([otherEarly, late, otherLate], second.Select(m => m.MessageId));
    }

    [Fact]
    public async Task A_delayed_message_is_not_delivered_before_its_time()
    {
        var id = await EnqueueAsync("later", new EnqueueOptions { Delay = TimeSpan.FromSeconds(10) });

        Assert.Empty(await ClaimAsync());
        Clock.Advance(TimeSpan.FromSeconds(9));
        Assert.Empty(await ClaimAsync());
        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(id, Assert.Single(await ClaimAsync()).MessageId);
    }

    [Fact]
    public async Task A_delayed_high_priority_message_does_not_block_available_ones()
    {
        await EnqueueAsync("later", new EnqueueOptions { Delay = TimeSpan.FromMinutes(1), Priority = 10 });
        var now = await EnqueueAsync("now");
        Assert.Equal(now, Assert.Single(await ClaimAsync(max: 5)).MessageId);
    }

    [Fact]
    public async Task The_same_idempotency_key_while_live_returns_the_first_message()
    {
        var options = new EnqueueOptions { IdempotencyKey = "step_1" };
        var first = await Queue.EnqueueAsync(QueueName, Bytes("a"), options, Cancellation);
        var second = await Queue.EnqueueAsync(QueueName, Bytes("b"), options, Cancellation);

        Assert.False(first.Duplicate);
        Assert.True(second.Duplicate);
        Assert.Equal(first.MessageId, second.MessageId);
        var message = Assert.Single(await ClaimAsync(max: 10));
        Assert.Equal(Bytes("a"), message.Payload.ToArray());

        // Still live while leased.
        Assert.Equal(first.MessageId, (await Queue.EnqueueAsync(QueueName, Bytes("c"), options, Cancellation)).MessageId);

        // Spent once completed: the key enqueues anew.
        Assert.True(await Queue.CompleteAsync(message.Lease, Cancellation));
        var third = await Queue.EnqueueAsync(QueueName, Bytes("d"), options, Cancellation);
        Assert.False(third.Duplicate);
        Assert.NotEqual(first.MessageId, third.MessageId);
    }

    [Fact]
    public async Task A_coalescing_enqueue_pulls_a_later_pending_message_forward()
    {
        var sleeping = await Queue.EnqueueAsync(QueueName, Bytes("a"), new EnqueueOptions { IdempotencyKey = "run", Delay = TimeSpan.FromHours(1) }, Cancellation);
        var plain = await Queue.EnqueueAsync(QueueName, Bytes("b"), new EnqueueOptions { IdempotencyKey = "run" }, Cancellation);
        Assert.Empty(await ClaimAsync());

        var wake = await Queue.EnqueueAsync(QueueName, Bytes("c"), new EnqueueOptions { IdempotencyKey = "run", Coalesce = true }, Cancellation);

        Assert.True(plain.Duplicate);
        Assert.True(wake.Duplicate);
        Assert.Equal(sleeping.MessageId, wake.MessageId);
        var message = Assert.Single(await ClaimAsync(max: 10));
        Assert.Equal(sleeping.MessageId, message.MessageId);
        Assert.Equal(Bytes("a"), message.Payload.ToArray());
    }

    [Fact]
    public async Task A_coalescing_enqueue_never_delays_a_pending_message()
    {
        await Queue.EnqueueAsync(QueueName, Bytes("a"), new EnqueueOptions { IdempotencyKey = "run" }, Cancellation);
        await Queue.EnqueueAsync(QueueName, Bytes("b"), new EnqueueOptions { IdempotencyKey = "run", Coalesce = true, Delay = TimeSpan.FromHours(1) }, Cancellation);

        Assert.Single(await ClaimAsync(max: 10));
    }

    [Fact]
    public async Task A_coalescing_enqueue_during_a_lease_redelivers_the_message_after_completion()
    {
        var options = new EnqueueOptions { IdempotencyKey = "run", Coalesce = true };
        var first = await Queue.EnqueueAsync(QueueName, Bytes("a"), options, Cancellation);
        var delivery = Assert.Single(await ClaimAsync());

        var wake = await Queue.EnqueueAsync(QueueName, Bytes("b"), options, Cancellation);
        Assert.True(wake.Duplicate);
        Assert.Empty(await ClaimAsync());
        Assert.True(await Queue.CompleteAsync(delivery.Lease, Cancellation));

        var again = Assert.Single(await ClaimAsync());
        Assert.Equal(first.MessageId, again.MessageId);
        Assert.Equal(2, again.Attempt);
        Assert.Equal(0, again.Failures);

        // No wake-up this time: completion removes it, and the key is free.
        Assert.True(await Queue.CompleteAsync(again.Lease, Cancellation));
        Assert.Empty(await ClaimAsync());
        Assert.False((await Queue.EnqueueAsync(QueueName, Bytes("c"), options, Cancellation)).Duplicate);
    }

    [Fact]
    public async Task A_coalescing_enqueue_during_a_lease_cuts_a_delayed_release_short()
    {
        var options = new EnqueueOptions { IdempotencyKey = "run", Coalesce = true };
        await Queue.EnqueueAsync(QueueName, Bytes("a"), options, Cancellation);
        var delivery = Assert.Single(await ClaimAsync());

        await Queue.EnqueueAsync(QueueName, Bytes("b"), options, Cancellation);
        Assert.True(await Queue.ReleaseAsync(delivery.Lease, TimeSpan.FromDays(90), Cancellation));

        Assert.Single(await ClaimAsync());
    }

    [Fact]
    public async Task A_plain_duplicate_during_a_lease_does_not_redeliver()
    {
        await Queue.EnqueueAsync(QueueName, Bytes("a"), new EnqueueOptions { IdempotencyKey = "run" }, Cancellation);
        var delivery = Assert.Single(await ClaimAsync());
        await Queue.EnqueueAsync(QueueName, Bytes("b"), new EnqueueOptions { IdempotencyKey = "run" }, Cancellation);

        Assert.True(await Queue.CompleteAsync(delivery.Lease, Cancellation));

        Assert.Empty(await ClaimAsync());
    }

    [Fact]
    public async Task A_wake_up_racing_a_completion_is_never_lost_and_never_doubled()
    {
        // The runtime's guarantee in miniature: whichever of "complete" and "coalescing enqueue" wins, exactly one
        // live message remains afterwards.
        var options = new EnqueueOptions { IdempotencyKey = "run", Coalesce = true };
        for (var round = 0; round < 20; round++)
        {
            await Queue.EnqueueAsync(QueueName, Bytes("start"), options, Cancellation);
            var delivery = Assert.Single(await ClaimAsync());

            var outcomes = await RaceAsync(2, async i =>
            {
                if (i == 0)
                {
                    return await Queue.CompleteAsync(delivery.Lease, Cancellation);
                }

                await Queue.EnqueueAsync(QueueName, Bytes("wake"), options, Cancellation);
                return true;
            });

            Assert.All(outcomes, o => Assert.True(o.Value));
            var survivor = Assert.Single(await ClaimAsync(max: 10));
            Assert.True(await Queue.CompleteAsync(survivor.Lease, Cancellation));
            Assert.Empty(await ClaimAsync(max: 10));
        }
    }

    [Fact]
    public async Task Idempotency_keys_are_scoped_to_their_queue()
    {
        var options = new EnqueueOptions { IdempotencyKey = "k" };
        var a = await Queue.EnqueueAsync(QueueName, Bytes("a"), options, Cancellation);
        var b = await Queue.EnqueueAsync("__wkf_step_other", Bytes("b"), options, Cancellation);
        Assert.False(b.Duplicate);
        Assert.NotEqual(a.MessageId, b.MessageId);
    }

    [Fact]
    public async Task Twenty_concurrent_enqueues_with_one_key_make_one_message()
    {
        var outcomes = await RaceAsync(20, i => Queue.EnqueueAsync(QueueName, Bytes($"{i}"), new EnqueueOptions { IdempotencyKey = "same" }, Cancellation));

        Assert.All(outcomes, o => Assert.True(o.Succeeded));
        Assert.Single(outcomes.Select(o => o.Value!.MessageId).Distinct());
        Assert.Single(outcomes, o => !o.Value!.Duplicate);
        Assert.Single(await ClaimAsync(max: 50));
    }

    [Fact]
    public async Task An_expired_lease_is_reclaimed_and_the_message_redelivered_as_a_failure()
    {
        var id = await EnqueueAsync("work");
        var first = Assert.Single(await ClaimAsync());

        Clock.Advance(Lease - TimeSpan.FromSeconds(1));
        Assert.Empty(await ClaimAsync());
        Clock.Advance(TimeSpan.FromSeconds(1));
        var second = Assert.Single(await ClaimAsync());

        Assert.Equal(id, second.MessageId);
        Assert.Equal(2, second.Attempt);
        Assert.Equal(1, second.Failures);
        Assert.NotEqual(first.Lease.LeaseId, second.Lease.LeaseId);
    }

    [Fact]
    public async Task Settlement_is_fenced_to_the_current_lease()
    {
        await EnqueueAsync("work");
        var stale = Assert.Single(await ClaimAsync());
        Clock.Advance(Lease);
        var current = Assert.Single(await ClaimAsync());

        Assert.False(await Queue.CompleteAsync(stale.Lease, Cancellation));
        Assert.False(await Queue.RenewAsync(stale.Lease, Lease, Cancellation));
        Assert.False(await Queue.ReleaseAsync(stale.Lease, TimeSpan.Zero, Cancellation));
        Assert.Equal(FailureOutcome.LeaseLost, await Queue.FailAsync(stale.Lease, Failure(), Cancellation));

        // The late worker changed nothing: the current holder still owns and completes it.
        Assert.Empty(await ClaimAsync());
        Assert.True(await Queue.CompleteAsync(current.Lease, Cancellation));
        Assert.False(await Queue.CompleteAsync(current.Lease, Cancellation));
        Clock.Advance(Lease * 2);
        Assert.Empty(await ClaimAsync());
    }

    [Fact]
    public async Task Racing_completions_of_one_delivery_complete_it_once_and_a_stale_lease_never()
    {
        await EnqueueAsync("raced");
        var stale = Assert.Single(await ClaimAsync());
        Clock.Advance(Lease);
        var current = Assert.Single(await ClaimAsync());

        var outcomes = await RaceAsync(8, i => Queue.CompleteAsync(i % 2 == 0 ? current.Lease : stale.Lease, Cancellation));

        Assert.Equal(1, outcomes.Count(o => o.Value));
        Assert.All(outcomes.Where((_, i) => i % 2 == 1), o => Assert.False(o.Value));
        Clock.Advance(Lease * 2);
        Assert.Empty(await ClaimAsync());
    }

    [Fact]
    public async Task Renewing_a_lease_keeps_the_message_from_being_reclaimed()
    {
        await EnqueueAsync("long");
        var message = Assert.Single(await ClaimAsync());

        Clock.Advance(TimeSpan.FromSeconds(20));
        Assert.True(await Queue.RenewAsync(message.Lease, Lease, Cancellation));
        Clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Empty(await ClaimAsync());
        Clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(2, Assert.Single(await ClaimAsync()).Attempt);
    }

    [Fact]
    public async Task Release_redelivers_after_the_delay_without_counting_a_failure()
    {
        await EnqueueAsync("sleep");
        var message = Assert.Single(await ClaimAsync());

        Assert.True(await Queue.ReleaseAsync(message.Lease, TimeSpan.FromSeconds(5), Cancellation));
        Assert.Empty(await ClaimAsync());
        Clock.Advance(TimeSpan.FromSeconds(5));
        var again = Assert.Single(await ClaimAsync());

        Assert.Equal(message.MessageId, again.MessageId);
        Assert.Equal(2, again.Attempt);
        Assert.Equal(0, again.Failures);
    }

    [Fact]
    public async Task A_failure_retries_after_its_delay_and_counts()
    {
        await EnqueueAsync("flaky");
        var message = Assert.Single(await ClaimAsync());

        Assert.Equal(FailureOutcome.Retrying, await Queue.FailAsync(message.Lease, Failure(TimeSpan.FromSeconds(2)), Cancellation));
        Assert.Empty(await ClaimAsync());
        Clock.Advance(TimeSpan.FromSeconds(2));
        var again = Assert.Single(await ClaimAsync());

        Assert.Equal(2, again.Attempt);
        Assert.Equal(1, again.Failures);
    }

    [Fact]
    public async Task A_message_that_spends_its_attempts_is_dead_lettered_with_its_history()
    {
        var id = await EnqueueAsync("poison", new EnqueueOptions { MaxAttempts = 2, Headers = new Dictionary<string, string> { ["h"] = "v" } });

        var first = Assert.Single(await ClaimAsync());
        Assert.Equal(FailureOutcome.Retrying, await Queue.FailAsync(first.Lease, Failure(), Cancellation));
        var second = Assert.Single(await ClaimAsync());
        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(FailureOutcome.DeadLettered, await Queue.FailAsync(second.Lease, Failure(message: "final"), Cancellation));

        Assert.Empty(await ClaimAsync());
        var listed = Assert.Single((await Queue.ListDeadLettersAsync(cancellationToken: Cancellation)).Data);
        Assert.Equal(id, listed.MessageId);
        Assert.Null(listed.Payload);
        var letter = await Queue.GetDeadLetterAsync(id, Cancellation);
        Assert.Equal(QueueName, letter.QueueName);
        Assert.Equal(Bytes("poison"), letter.Payload!.Value.ToArray());
        Assert.Equal("v", letter.Headers["h"]);
        Assert.Equal("final", letter.Reason.Message);
        Assert.Equal(2, letter.Attempts);
        Assert.Equal(2, letter.Failures);
        Assert.Equal(2, letter.MaxAttempts);
        Assert.Equal(StartTime, letter.EnqueuedAt);
        Assert.Equal(Clock.GetUtcNow(), letter.DeadLetteredAt);
    }

    [Fact]
    public async Task Expired_leases_spend_attempts_too()
    {
        var id = await EnqueueAsync("crashes", new EnqueueOptions { MaxAttempts = 2 });
        Assert.Single(await ClaimAsync());
        Clock.Advance(Lease);
        Assert.Single(await ClaimAsync());
        Clock.Advance(Lease);

        Assert.Empty(await ClaimAsync());
        var letter = await Queue.GetDeadLetterAsync(id, Cancellation);
        Assert.Equal(WorldErrorCodes.LeaseExpired, letter.Reason.Code);
    }

    [Fact]
    public async Task A_replayed_dead_letter_returns_with_its_id_and_a_fresh_budget()
    {
        var id = await DeadLetterAsync("replay me");

        await Queue.ReplayDeadLetterAsync(id, Cancellation);

        var message = Assert.Single(await ClaimAsync());
        Assert.Equal(id, message.MessageId);
        Assert.Equal(Bytes("replay me"), message.Payload.ToArray());
        Assert.Equal(1, message.Attempt);
        Assert.Equal(0, message.Failures);
        Assert.Empty((await Queue.ListDeadLettersAsync(cancellationToken: Cancellation)).Data);
        await Assert.ThrowsAsync<EntityNotFoundException>(() => Queue.ReplayDeadLetterAsync(id, Cancellation));
    }

    [Fact]
    public async Task Replay_refuses_while_a_live_message_holds_the_idempotency_key()
    {
        var id = await DeadLetterAsync("dead", "key_1");
        await Queue.EnqueueAsync(QueueName, Bytes("live"), new EnqueueOptions { IdempotencyKey = "key_1" }, Cancellation);

        await Assert.ThrowsAsync<EntityConflictException>(() => Queue.ReplayDeadLetterAsync(id, Cancellation));
        Assert.Single((await Queue.ListDeadLettersAsync(cancellationToken: Cancellation)).Data);
    }

    [Fact]
    public async Task Dead_letters_are_purged_by_id_or_by_queue()
    {
        var a = await DeadLetterAsync("a");
        var b = await DeadLetterAsync("b");
        var c = await DeadLetterAsync("c");

        Assert.Equal(1, await Queue.PurgeDeadLettersAsync(messageIds: [a], cancellationToken: Cancellation));
        Assert.Equal([b, c], (await Queue.ListDeadLettersAsync(cancellationToken: Cancellation)).Data.Select(d => d.MessageId));
        Assert.Equal(0, await Queue.PurgeDeadLettersAsync("__wkf_step_other", cancellationToken: Cancellation));
        Assert.Equal(2, await Queue.PurgeDeadLettersAsync(QueueName, cancellationToken: Cancellation));
        await Assert.ThrowsAsync<EntityNotFoundException>(() => Queue.GetDeadLetterAsync(b, Cancellation));
    }

    [Fact]
    public async Task Dead_letters_page_in_id_order_and_filter_by_queue()
    {
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await DeadLetterAsync($"d{i}"));
        }

        var first = await Queue.ListDeadLettersAsync(new DeadLetterQuery { Page = new PageRequest { Limit = 2 } }, Cancellation);
        var rest = await Queue.ListDeadLettersAsync(new DeadLetterQuery { Page = new PageRequest { Limit = 10, Cursor = first.Cursor } }, Cancellation);

        Assert.True(first.HasMore);
        Assert.False(rest.HasMore);
        Assert.Equal(ids, first.Data.Concat(rest.Data).Select(d => d.MessageId));
        Assert.Empty((await Queue.ListDeadLettersAsync(new DeadLetterQuery { QueueName = "__wkf_step_other" }, Cancellation)).Data);
    }

    [Fact]
    public async Task Unknown_leases_settle_nothing()
    {
        var lease = new QueueLease(NewId(IdPrefixes.Message), "lease1", Clock.GetUtcNow());
        Assert.False(await Queue.CompleteAsync(lease, Cancellation));
        Assert.Equal(FailureOutcome.LeaseLost, await Queue.FailAsync(lease, Failure(), Cancellation));
    }

    [Fact]
    public async Task Invalid_input_is_rejected_with_typed_errors()
    {
        await Assert.ThrowsAnyAsync<WorldValidationException>(() => Queue.EnqueueAsync("", Bytes("x"), cancellationToken: Cancellation));
        await Assert.ThrowsAnyAsync<WorldValidationException>(() => Queue.EnqueueAsync(QueueName, Bytes("x"), new EnqueueOptions { Delay = TimeSpan.FromSeconds(-1) }, Cancellation));
        await Assert.ThrowsAnyAsync<WorldValidationException>(() => Queue.EnqueueAsync(QueueName, Bytes("x"), new EnqueueOptions { MaxAttempts = 0 }, Cancellation));
        await Assert.ThrowsAnyAsync<WorldValidationException>(() => Queue.EnqueueAsync(QueueName, Bytes("x"), new EnqueueOptions { IdempotencyKey = "" }, Cancellation));
        await Assert.ThrowsAnyAsync<WorldValidationException>(() => Queue.EnqueueAsync(QueueName, Bytes("x"), new EnqueueOptions { Coalesce = true }, Cancellation));
        await Assert.ThrowsAsync<PayloadTooLargeException>(() => Queue.EnqueueAsync(QueueName, new byte[Queue_MaxPayload + 1], cancellationToken: Cancellation));
        await Assert.ThrowsAnyAsync<WorldValidationException>(() => Queue.ClaimAsync(new ClaimRequest([QueueName], 0, Lease, "t"), Cancellation));
        await Assert.ThrowsAnyAsync<WorldValidationException>(() => Queue.ClaimAsync(new ClaimRequest([], 1, Lease, "t"), Cancellation));
        await Assert.ThrowsAnyAsync<WorldValidationException>(() => Queue.ClaimAsync(new ClaimRequest([QueueName], 1, TimeSpan.Zero, "t"), Cancellation));
        await Assert.ThrowsAsync<EntityNotFoundException>(() => Queue.GetDeadLetterAsync(NewId(IdPrefixes.Message), Cancellation));
        Assert.Empty(await ClaimAsync());
    }

    [Fact]
    public async Task Settlement_arguments_are_checked_in_parameter_order()
    {
        // QueueRules.ValidateFail/ValidateRenew/ValidateRelease: the lease first, then what the call asks for.
        var failWithoutLease = await Assert.ThrowsAnyAsync<WorldValidationException>(() => Queue.FailAsync(null!, null!, Cancellation));
        Assert.Equal("lease", failWithoutLease.Field);
        var renewWithoutLease = await Assert.ThrowsAnyAsync<WorldValidationException>(() => Queue.RenewAsync(null!, TimeSpan.Zero, Cancellation));
        Assert.Equal("lease", renewWithoutLease.Field);
        var releaseWithoutLease = await Assert.ThrowsAnyAsync<WorldValidationException>(() => Queue.ReleaseAsync(null!, TimeSpan.FromSeconds(-1), Cancellation));
        Assert.Equal("lease", releaseWithoutLease.Field);
        var lease = new QueueLease(NewId(IdPrefixes.Message), "lease1", Clock.GetUtcNow());
        var badFailure = await Assert.ThrowsAnyAsync<WorldValidationException>(() => Queue.FailAsync(lease, null!, Cancellation));
        Assert.Equal("failure", badFailure.Field);
        var badDuration = await Assert.ThrowsAnyAsync<WorldValidationException>(() => Queue.RenewAsync(lease, TimeSpan.Zero, Cancellation));
        Assert.Equal("leaseDuration", badDuration.Field);
    }

    [Fact]
    public async Task Wait_for_messages_wakes_on_enqueue()
    {
        var waiting = Queue.WaitForMessagesAsync([QueueName], TimeSpan.FromHours(1), Cancellation);
        await EnqueueAsync("wake");
        await waiting.WaitAsync(TimeSpan.FromSeconds(30), Cancellation);
    }

    [Fact]
    public async Task A_wake_up_between_an_empty_claim_and_the_wait_is_not_missed()
    {
        // The consumer loop: claim, find nothing, then wait. A message enqueued in between must end the wait at once,
        // not after the poll interval (which, on the fake clock, never passes).
        Assert.Empty(await ClaimAsync());
        await EnqueueAsync("in between");

        await Queue.WaitForMessagesAsync([QueueName], TimeSpan.FromHours(1), Cancellation).WaitAsync(TimeSpan.FromSeconds(30), Cancellation);
        Assert.Single(await ClaimAsync());
    }

    [Fact]
    public async Task A_batch_is_enqueued_with_ascending_ids_and_delivered_in_list_order()
    {
        var results = await Queue.EnqueueBatchAsync(
            QueueName,
            [
                new EnqueueRequest(Bytes("first")),
                new EnqueueRequest(Bytes("later"), new EnqueueOptions { Delay = TimeSpan.FromMinutes(1) }),
                new EnqueueRequest(Bytes("second"), new EnqueueOptions { Headers = new Dictionary<string, string> { ["traceparent"] = "00-1" } }),
                new EnqueueRequest(Bytes("urgent"), new EnqueueOptions { Priority = 5 }),
                new EnqueueRequest(Bytes("third")),
            ],
            Cancellation);

        Assert.Equal(5, results.Count);
        Assert.All(results, result => Assert.False(result.Duplicate));
        Assert.Equal(results.Select(r => r.MessageId).Order(StringComparer.Ordinal), results.Select(r => r.MessageId));
        var claimed = await ClaimAsync(max: 10);
        Assert.Equal(["urgent", "first", "second", "third"], claimed.Select(m => Encoding.UTF8.GetString(m.Payload.Span)));
        Assert.Equal([results[3].MessageId, results[0].MessageId, results[2].MessageId, results[4].MessageId], claimed.Select(m => m.MessageId));
        Assert.Equal("00-1", claimed[2].Headers["traceparent"]);
        foreach (var message in claimed)
        {
            Assert.True(await Queue.CompleteAsync(message.Lease, Cancellation));
        }

        Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(results[1].MessageId, Assert.Single(await ClaimAsync(max: 10)).MessageId);
    }

    [Fact]
    public async Task A_batch_treats_idempotency_keys_as_sequential_enqueues_would()
    {
        var live = await EnqueueAsync("live", new EnqueueOptions { IdempotencyKey = "k-live", Delay = TimeSpan.FromHours(1) });

        var results = await Queue.EnqueueBatchAsync(
            QueueName,
            [
                new EnqueueRequest(Bytes("a"), new EnqueueOptions { IdempotencyKey = "k-a" }),
                new EnqueueRequest(Bytes("live again"), new EnqueueOptions { IdempotencyKey = "k-live", Coalesce = true }),
                new EnqueueRequest(Bytes("a again"), new EnqueueOptions { IdempotencyKey = "k-a" }),
                new EnqueueRequest(Bytes("b")),
            ],
            Cancellation);

        Assert.Equal([false, true, true, false], results.Select(r => r.Duplicate));
        Assert.Equal(live, results[1].MessageId);
        Assert.Equal(results[0].MessageId, results[2].MessageId);

        // The coalescing duplicate pulled the sleeping message forward; the plain duplicate added nothing.
        var claimed = await ClaimAsync(max: 10);
        Assert.Equal(3, claimed.Count);
        Assert.Equal(["a", "b", "live"], claimed.Select(m => Encoding.UTF8.GetString(m.Payload.Span)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_batch_of_several_unkeyed_messages_and_keyed_ones_reports_each_outcome_in_list_order()
    {
        var live = await EnqueueAsync("live", new EnqueueOptions { IdempotencyKey = "k-live" });

        var results = await Queue.EnqueueBatchAsync(
            QueueName,
            [
                new EnqueueRequest(Bytes("a")),
                new EnqueueRequest(Bytes("live again"), new EnqueueOptions { IdempotencyKey = "k-live" }),
                new EnqueueRequest(Bytes("b")),
                new EnqueueRequest(Bytes("c"), new EnqueueOptions { IdempotencyKey = "k-c" }),
                new EnqueueRequest(Bytes("d")),
            ],
            Cancellation);

        Assert.Equal([false, true, false, false, false], results.Select(r => r.Duplicate));
        Assert.Equal(live, results[1].MessageId);
        Assert.Equal(4, results.Where(r => !r.Duplicate).Select(r => r.MessageId).Distinct().Count());
        var claimed = await ClaimAsync(max: 10);
        Assert.Equal(["a", "b", "c", "d", "live"], claimed.Select(m => Encoding.UTF8.GetString(m.Payload.Span)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_invalid_message_rejects_the_whole_batch()
    {
        var invalid = await Assert.ThrowsAnyAsync<WorldValidationException>(() => Queue.EnqueueBatchAsync(
            QueueName,
            [new EnqueueRequest(Bytes("fine")), new EnqueueRequest(Bytes("bad"), new EnqueueOptions { MaxAttempts = 0 })],
            Cancellation));
        Assert.Equal("messages[1].maxAttempts", invalid.Field);
        await Assert.ThrowsAsync<PayloadTooLargeException>(() => Queue.EnqueueBatchAsync(
            QueueName,
            [new EnqueueRequest(Bytes("fine")), new EnqueueRequest(new byte[Queue_MaxPayload + 1])],
            Cancellation));
        var tooMany = Enumerable.Range(0, global::World.Backends.QueueRules.MaxBatch + 1).Select(i => new EnqueueRequest(Bytes($"{i}"))).ToArray();
        await Assert.ThrowsAnyAsync<WorldValidationException>(() => Queue.EnqueueBatchAsync(QueueName, tooMany, Cancellation));
        await Assert.ThrowsAnyAsync<WorldValidationException>(() => Queue.EnqueueBatchAsync("", [new EnqueueRequest(Bytes("x"))], Cancellation));

        Assert.Empty(await ClaimAsync(max: 10));
        Assert.Empty(await Queue.EnqueueBatchAsync(QueueName, [], Cancellation));
    }

    [Fact]
    public async Task Concurrent_batches_sharing_keys_make_one_message_per_key()
    {
        // Every batch names the same keys in its own order: the backends must neither duplicate a message nor
        // deadlock two batches against each other.
        var keys = Enumerable.Range(0, 200).Select(i => $"key-{i}").ToArray();
        var outcomes = await RaceAsync(8, worker => Queue.EnqueueBatchAsync(
            QueueName,
            (worker % 2 == 0 ? keys : keys.Reverse())
                .Concat(keys)
                .Select(key => new EnqueueRequest(Bytes(key), new EnqueueOptions { IdempotencyKey = key }))
                .ToArray(),
            Cancellation));

        Assert.All(outcomes, o => Assert.True(o.Succeeded, o.Error?.ToString()));
        var claimed = await ClaimAsync(max: 1000);
        Assert.Equal(keys.Order(StringComparer.Ordinal), claimed.Select(m => m.IdempotencyKey!).Order(StringComparer.Ordinal));
        var idsByKey = claimed.ToDictionary(m => m.IdempotencyKey!, m => m.MessageId);
        foreach (var outcome in outcomes)
        {
            Assert.All(outcome.Value!, result => Assert.Contains(result.MessageId, idsByKey.Values));
        }

        Assert.Equal(keys.Length, outcomes.SelectMany(o => o.Value!).Count(r => !r.Duplicate));
    }

    private const int Queue_MaxPayload = global::World.Backends.QueueRules.MaxPayloadBytes;

    /// <summary>Enqueues a UTF-8 payload to <see cref="QueueName"/> and returns the message id.</summary>
    protected async Task<string> EnqueueAsync(string payload, EnqueueOptions? options = null) =>
        (await Queue.EnqueueAsync(QueueName, Bytes(payload), options, Cancellation)).MessageId;

    /// <summary>Claims from <see cref="QueueName"/> with a 30 s lease.</summary>
    protected Task<IReadOnlyList<QueueMessage>> ClaimAsync(int max = 1) =>
        Queue.ClaimAsync(new ClaimRequest([QueueName], max, Lease, "kit"), Cancellation);

    private static QueueFailure Failure(TimeSpan? retryDelay = null, string message = "boom") =>
        new(new StructuredError(message, Code: "E_TEST"), retryDelay ?? TimeSpan.Zero);

    private async Task<string> DeadLetterAsync(string payload, string? idempotencyKey = null)
    {
        var id = await EnqueueAsync(payload, new EnqueueOptions { MaxAttempts = 1, IdempotencyKey = idempotencyKey });
        var message = Assert.Single(await ClaimAsync());
        Assert.Equal(id, message.MessageId);
        Assert.Equal(FailureOutcome.DeadLettered, await Queue.FailAsync(message.Lease, Failure(), Cancellation));
        Clock.Advance(TimeSpan.FromMilliseconds(1)); // The next id sorts after this one.
        return id;
    }
}
