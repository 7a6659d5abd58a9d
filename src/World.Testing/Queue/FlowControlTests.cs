using System.Collections.Concurrent;
using World.Backends;

namespace World.Testing.Queue;

/// <summary>
/// Flow control (docs/flow-control.md): a queue's <see cref="QueuePolicy"/> enforced at claim and enqueue time —
/// concurrency caps per queue and per concurrency key held by leases, a token-bucket rate limit, pause, a maximum
/// backlog — and the dispatch reasons that explain held-back work. The decisions are <c>World.Backends.FlowRules</c>';
/// this suite checks that each backend applies them atomically, including under concurrent claimers.
/// </summary>
public abstract class FlowControlTests<TFactory> : WorldTestBase<TFactory>
    where TFactory : class, IWorldFactory
{
    private const string Jobs = "flow-jobs";
    private const string Other = "flow-other";
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private IWorldQueue Queue => World.Queue;

    [Fact]
    public async Task A_queue_cap_limits_how_many_messages_are_leased_at_once()
    {
        await Queue.SetPolicyAsync(Jobs, new QueuePolicy { MaxConcurrency = 2 }, Cancellation);
        for (var i = 0; i < 5; i++)
        {
            await EnqueueAsync(Jobs);
        }

        var first = await ClaimAsync(Jobs, 10);
        Assert.Equal(2, first.Count);
        Assert.Empty(await ClaimAsync(Jobs, 10));
        Assert.Equal(DispatchReason.QueueAtConcurrencyLimit, (await Queue.GetStatsAsync([Jobs], Cancellation))[0].ReadyReason);

        Assert.True(await Queue.CompleteAsync(first[0].Lease, Cancellation));
        Assert.Single(await ClaimAsync(Jobs, 10));
        Assert.Empty(await ClaimAsync(Jobs, 10));

        // A released or failed message gives its slot back too.
        Assert.True(await Queue.ReleaseAsync(first[1].Lease, TimeSpan.Zero, Cancellation));
        Assert.Single(await ClaimAsync(Jobs, 10));
    }

    [Fact]
    public async Task A_key_cap_serializes_each_key_while_other_keys_and_unkeyed_messages_flow()
    {
        await Queue.SetPolicyAsync(Jobs, new QueuePolicy { MaxConcurrencyPerKey = 1 }, Cancellation);
        var a1 = await EnqueueAsync(Jobs, new EnqueueOptions { ConcurrencyKey = "tenant-a" });
        var a2 = await EnqueueAsync(Jobs, new EnqueueOptions { ConcurrencyKey = "tenant-a" });
        var b1 = await EnqueueAsync(Jobs, new EnqueueOptions { ConcurrencyKey = "tenant-b" });
        var free = await EnqueueAsync(Jobs);

        var first = await ClaimAsync(Jobs, 10);
        Assert.Equal([a1, b1, free], first.Select(m => m.MessageId));
        Assert.Equal("tenant-a", first[0].ConcurrencyKey);
        Assert.Null(first[2].ConcurrencyKey);
        Assert.Empty(await ClaimAsync(Jobs, 10));

        Assert.True(await Queue.CompleteAsync(first[1].Lease, Cancellation));
        Assert.Empty(await ClaimAsync(Jobs, 10)); // tenant-b's slot is free, but tenant-a's second message still waits.

        Assert.True(await Queue.CompleteAsync(first[0].Lease, Cancellation));
        Assert.Equal([a2], (await ClaimAsync(Jobs, 10)).Select(m => m.MessageId));
    }

    [Fact]
    public async Task A_hot_key_does_not_hold_back_a_small_tenant_behind_it()
    {
        await Queue.SetPolicyAsync(Jobs, new QueuePolicy { MaxConcurrencyPerKey = 2 }, Cancellation);
        await Queue.EnqueueBatchAsync(Jobs, [.. Enumerable.Range(0, 200).Select(i => new EnqueueRequest(Bytes($"hot-{i}"), new EnqueueOptions { ConcurrencyKey = "hot" }))], Cancellation);
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        var cold = await EnqueueAsync(Jobs, new EnqueueOptions { ConcurrencyKey = "cold" });

        var claimed = await ClaimAsync(Jobs, 10);

        Assert.Equal(3, claimed.Count);
        Assert.Equal(2, claimed.Count(m => m.ConcurrencyKey == "hot"));
        Assert.Contains(cold, claimed.Select(m => m.MessageId));
    }

    [Fact]
    public async Task A_capped_claim_keeps_priority_order()
    {
        await Queue.SetPolicyAsync(Jobs, new QueuePolicy { MaxConcurrency = 1 }, Cancellation);
        await EnqueueAsync(Jobs);
        var urgent = await EnqueueAsync(Jobs, new EnqueueOptions { Priority = 5 });

        Assert.Equal([urgent], (await ClaimAsync(Jobs, 10)).Select(m => m.MessageId));
    }

    [Fact]
    public async Task A_crashed_consumers_slot_comes_back_when_its_lease_expires()
    {
        await Queue.SetPolicyAsync(Jobs, new QueuePolicy { MaxConcurrency = 1 }, Cancellation);
        var crashed = await EnqueueAsync(Jobs);
        var waiting = await EnqueueAsync(Jobs);
        Assert.Equal([crashed], (await ClaimAsync(Jobs, 10)).Select(m => m.MessageId));
        Assert.Empty(await ClaimAsync(Jobs, 10));

        Clock.Advance(Lease + TimeSpan.FromSeconds(1));

        // The lapsed lease is reclaimed (a failure, available again from now) and frees its slot for the next message.
        Assert.Equal([waiting], (await ClaimAsync(Jobs, 10)).Select(m => m.MessageId));
        var status = await StatusAsync(crashed);
        Assert.Equal(DispatchReason.QueueAtConcurrencyLimit, status.Reason);
        Assert.Equal(1, status.Failures);
    }

    [Fact]
    public async Task A_claim_of_a_capped_and_an_uncapped_queue_takes_at_most_the_requested_number()
    {
        await Queue.SetPolicyAsync(Jobs, new QueuePolicy { MaxConcurrency = 10 }, Cancellation);
        for (var i = 0; i < 4; i++)
        {
            await EnqueueAsync(Jobs);
            await EnqueueAsync(Other);
        }

        var claimed = await Queue.ClaimAsync(new ClaimRequest([Jobs, Other], 5, Lease, "test"), Cancellation);

        Assert.Equal(5, claimed.Count);
        Assert.Equal(3, (await Queue.ClaimAsync(new ClaimRequest([Jobs, Other], 10, Lease, "test"), Cancellation)).Count);
    }

    [Fact]
    public async Task A_paused_queue_claims_nothing_until_it_is_resumed()
    {
        await Queue.SetPolicyAsync(Jobs, new QueuePolicy { Paused = true }, Cancellation);
        var id = await EnqueueAsync(Jobs);
        await EnqueueAsync(Other);

        Assert.Empty(await ClaimAsync(Jobs, 10));
        Assert.Single(await Queue.ClaimAsync(new ClaimRequest([Jobs, Other], 10, Lease, "test"), Cancellation));
        var status = await StatusAsync(id);
        Assert.Equal(DispatchReason.Paused, status.Reason);
        Assert.Equal("paused", status.Code);
        Assert.True((await Queue.GetPolicyAsync(Jobs, Cancellation)).Paused);
        Assert.Equal(DispatchReason.Paused, (await Queue.GetStatsAsync([Jobs], Cancellation))[0].ReadyReason);

        await Queue.SetPolicyAsync(Jobs, QueuePolicy.Unlimited, Cancellation);

        Assert.Equal(QueuePolicy.Unlimited, await Queue.GetPolicyAsync(Jobs, Cancellation));
        Assert.Equal(DispatchReason.NoConsumer, (await Queue.GetStatsAsync([Jobs], Cancellation))[0].ReadyReason);
        Assert.Equal([id], (await ClaimAsync(Jobs, 10)).Select(m => m.MessageId));
    }

    [Fact]
    public async Task A_full_queue_refuses_an_enqueue_whole_with_a_retryable_error_and_writes_nothing()
    {
        await Queue.SetPolicyAsync(Jobs, new QueuePolicy { MaxBacklog = 3 }, Cancellation);
        await EnqueueAsync(Jobs, new EnqueueOptions { IdempotencyKey = "k1" });
        await EnqueueAsync(Jobs);

        var refused = await Assert.ThrowsAsync<QueueFullException>(() => Queue.EnqueueBatchAsync(
            Jobs,
            [new EnqueueRequest(Bytes("x"), new EnqueueOptions { IdempotencyKey = "k2" }), new EnqueueRequest(Bytes("y"))],
            Cancellation));

        Assert.Equal(Jobs, refused.QueueName);
        Assert.Equal(2, refused.Backlog);
        Assert.Equal(3, refused.MaxBacklog);
        Assert.Equal(WorldErrorCodes.QueueFull, refused.Code);
        Assert.Equal(429, refused.Status);
        Assert.True(WorldFaults.IsTransient(refused));
        Assert.Equal(2, (await Queue.GetStatsAsync([Jobs], Cancellation))[0].Ready);
        Assert.Equal(DispatchReason.NotFound, (await Queue.GetDispatchStatusAsync(DispatchQuery.ForKey(Jobs, "k2"), Cancellation)).Reason);

        // A duplicate adds nothing, so it is admitted even at the limit; the third message fits, a fourth does not.
        await EnqueueAsync(Jobs);
        var duplicate = await Queue.EnqueueAsync(Jobs, Bytes("again"), new EnqueueOptions { IdempotencyKey = "k1", Coalesce = true }, Cancellation);
        Assert.True(duplicate.Duplicate);
        await Assert.ThrowsAsync<QueueFullException>(() => Queue.EnqueueAsync(Jobs, Bytes("more"), cancellationToken: Cancellation));

        // Draining makes room again; other queues were never limited.
        var claimed = await ClaimAsync(Jobs, 1);
        Assert.True(await Queue.CompleteAsync(claimed[0].Lease, Cancellation));
        await EnqueueAsync(Jobs);
        await EnqueueAsync(Other);
    }

    [Fact]
    public async Task A_rate_limit_allows_its_burst_then_refills_at_its_rate()
    {
        await Queue.SetPolicyAsync(Jobs, new QueuePolicy { RateLimit = new QueueRateLimit(2, TimeSpan.FromSeconds(1), 3) }, Cancellation);
        for (var i = 0; i < 10; i++)
        {
            await EnqueueAsync(Jobs);
        }

        Assert.Equal(3, (await ClaimAsync(Jobs, 10)).Count);
        Assert.Empty(await ClaimAsync(Jobs, 10));
        var waiting = (await Queue.GetStatsAsync([Jobs], Cancellation))[0];
        Assert.Equal(7, waiting.Ready);
        Assert.Equal(DispatchReason.RateLimited, waiting.ReadyReason); // the backlog gauge's label says so too

        Clock.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Single(await ClaimAsync(Jobs, 10));
        Clock.Advance(TimeSpan.FromMilliseconds(250));
        Assert.Empty(await ClaimAsync(Jobs, 10));
        Clock.Advance(TimeSpan.FromMilliseconds(1250));
        Assert.Equal(3, (await ClaimAsync(Jobs, 10)).Count); // 0.5 + 2.5 tokens, capped at the burst of 3.
    }

    [Fact]
    public async Task Held_back_messages_are_explained_by_their_policy()
    {
        await Queue.ReportConsumerAsync(new ConsumerReport("worker", [Jobs], 10, 0, TimeSpan.FromMinutes(1)), Cancellation);
        await Queue.SetPolicyAsync(Jobs, new QueuePolicy { MaxConcurrency = 2, MaxConcurrencyPerKey = 1 }, Cancellation);
        await EnqueueAsync(Jobs, new EnqueueOptions { ConcurrencyKey = "acme" });
        var sameKey = await EnqueueAsync(Jobs, new EnqueueOptions { ConcurrencyKey = "acme" });
        var otherKey = await EnqueueAsync(Jobs, new EnqueueOptions { ConcurrencyKey = "globex" });
        Assert.Equal(DispatchReason.Ready, (await StatusAsync(sameKey)).Reason);

        Assert.Single(await ClaimAsync(Jobs, 1));
        var keyed = await StatusAsync(sameKey);
        Assert.Equal(DispatchReason.KeyAtConcurrencyLimit, keyed.Reason);
        Assert.Equal("key_at_concurrency_limit", keyed.Code);
        Assert.Equal("acme", keyed.ConcurrencyKey);
        Assert.Contains("acme", keyed.Description, StringComparison.Ordinal);
        Assert.Equal(DispatchReason.Ready, (await StatusAsync(otherKey)).Reason);

        Assert.Single(await ClaimAsync(Jobs, 10));
        var capped = await StatusAsync(sameKey);
        Assert.Equal(DispatchReason.QueueAtConcurrencyLimit, capped.Reason);
        Assert.Equal("queue_at_concurrency_limit", capped.Code);

        await Queue.SetPolicyAsync(Jobs, new QueuePolicy { RateLimit = new QueueRateLimit(1, TimeSpan.FromSeconds(4), 1) }, Cancellation);
        var next = await EnqueueAsync(Jobs);
        Assert.Single(await ClaimAsync(Jobs, 1));
        var limited = await StatusAsync(next);
        Assert.Equal(DispatchReason.RateLimited, limited.Reason);
        Assert.Equal("rate_limited", limited.Code);
        Assert.Equal(Clock.GetUtcNow() + TimeSpan.FromSeconds(4), limited.Until);
    }

    [Fact]
    public async Task A_dead_letter_keeps_its_concurrency_key_through_replay()
    {
        var id = await EnqueueAsync(Jobs, new EnqueueOptions { ConcurrencyKey = "acme", MaxAttempts = 1 });
        var message = Assert.Single(await ClaimAsync(Jobs, 1));
        Assert.Equal(FailureOutcome.DeadLettered, await Queue.FailAsync(message.Lease, new QueueFailure(new StructuredError("boom"), TimeSpan.Zero), Cancellation));
        Assert.Equal("acme", (await Queue.GetDeadLetterAsync(id, Cancellation)).ConcurrencyKey);

        await Queue.ReplayDeadLetterAsync(id, Cancellation);

        Assert.Equal("acme", Assert.Single(await ClaimAsync(Jobs, 1)).ConcurrencyKey);
    }

    [Fact]
    public async Task Policies_and_keys_are_validated()
    {
        Assert.Equal(QueuePolicy.Unlimited, await Queue.GetPolicyAsync(Jobs, Cancellation));
        await Assert.ThrowsAnyAsync<WorldValidationException>(() => Queue.SetPolicyAsync(Jobs, new QueuePolicy { MaxConcurrency = 0 }, Cancellation));
        await Assert.ThrowsAnyAsync<WorldValidationException>(() => Queue.SetPolicyAsync(Jobs, new QueuePolicy { MaxConcurrencyPerKey = -1 }, Cancellation));
        await Assert.ThrowsAnyAsync<WorldValidationException>(() => Queue.SetPolicyAsync(Jobs, new QueuePolicy { MaxBacklog = FlowRules.MaxLimit + 1 }, Cancellation));
        await Assert.ThrowsAnyAsync<WorldValidationException>(() => Queue.SetPolicyAsync(Jobs, new QueuePolicy { RateLimit = new QueueRateLimit(1, TimeSpan.Zero, 1) }, Cancellation));
        await Assert.ThrowsAnyAsync<WorldValidationException>(() => Queue.SetPolicyAsync(Jobs, new QueuePolicy { RateLimit = new QueueRateLimit(1, TimeSpan.FromSeconds(1), 0) }, Cancellation));
        await Assert.ThrowsAnyAsync<WorldValidationException>(() => Queue.SetPolicyAsync("", new QueuePolicy(), Cancellation));
        await Assert.ThrowsAnyAsync<WorldValidationException>(() => Queue.SetPolicyAsync(Jobs, null!, Cancellation));
        await Assert.ThrowsAnyAsync<WorldValidationException>(() => Queue.EnqueueAsync(Jobs, Bytes("x"), new EnqueueOptions { ConcurrencyKey = "" }, Cancellation));
        Assert.Equal(QueuePolicy.Unlimited, await Queue.GetPolicyAsync(Jobs, Cancellation));

        var policy = new QueuePolicy { MaxConcurrency = 3, MaxConcurrencyPerKey = 1, MaxBacklog = 100, RateLimit = new QueueRateLimit(10, TimeSpan.FromMinutes(1), 5) };
        await Queue.SetPolicyAsync(Jobs, policy, Cancellation);
        Assert.Equal(policy, await Queue.GetPolicyAsync(Jobs, Cancellation));
    }

    [Fact]
    public async Task Concurrent_consumers_never_exceed_the_queue_and_key_caps()
    {
        const int QueueCap = 5;
        const int KeyCap = 3;
        const int Messages = 160;
        await Queue.SetPolicyAsync(Jobs, new QueuePolicy { MaxConcurrency = QueueCap, MaxConcurrencyPerKey = KeyCap }, Cancellation);
        await Queue.EnqueueBatchAsync(Jobs, [.. Enumerable.Range(0, Messages).Select(i => new EnqueueRequest(Bytes($"m{i}"), new EnqueueOptions { ConcurrencyKey = $"key-{i % 3}" }))], Cancellation);

        var held = 0;
        var maxHeld = 0;
        var heldByKey = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var maxByKey = 0;
        var maxSampled = 0L;
        var done = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);

        // Counted after the claim returns and uncounted before the completion is sent: never above what is leased.
        async Task ConsumeAsync(int consumer)
        {
            while (Volatile.Read(ref done) < Messages)
            {
                // Consumers ask for different numbers, so concurrent claims would pick different candidates without the cap.
                var claimed = await Queue.ClaimAsync(new ClaimRequest([Jobs], 1 + (consumer % 4), TimeSpan.FromMinutes(10), $"consumer-{consumer}"), Cancellation);
                if (claimed.Count == 0)
                {
                    await Task.Yield();
                    continue;
                }

                var now = Interlocked.Add(ref held, claimed.Count);
                InterlockedMax(ref maxHeld, now);
                foreach (var message in claimed)
                {
                    InterlockedMax(ref maxByKey, heldByKey.AddOrUpdate(message.ConcurrencyKey!, 1, (_, n) => n + 1));
                }

                await Task.Yield();
                foreach (var message in claimed)
                {
                    heldByKey.AddOrUpdate(message.ConcurrencyKey!, 0, (_, n) => n - 1);
                    Interlocked.Decrement(ref held);
                    Assert.True(await Queue.CompleteAsync(message.Lease, Cancellation));
                    Interlocked.Increment(ref done);
                }
            }
        }

        // Sampled continuously from the World's own counts while the consumers run, not only at the end.
        async Task SampleAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                var stats = (await Queue.GetStatsAsync([Jobs], Cancellation))[0];
                var leased = stats.Running + stats.LeaseExpired;
                if (leased > Interlocked.Read(ref maxSampled))
                {
                    Interlocked.Exchange(ref maxSampled, leased);
                }

                await Task.Yield();
            }
        }

        var sampler = Task.Run(SampleAsync, Cancellation);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => ConsumeAsync(i), Cancellation)));
        await stop.CancelAsync();
        await sampler;

        Assert.Equal(Messages, done);
        Assert.InRange(maxHeld, 1, QueueCap);
        Assert.InRange(maxByKey, 1, KeyCap);
        Assert.InRange(maxSampled, 0, QueueCap);
        Assert.Equal(0, (await Queue.GetStatsAsync([Jobs], Cancellation))[0].Ready);
    }

    [Fact]
    public async Task Concurrent_consumers_stay_within_the_rate_limit()
    {
        // 50 per second with a burst of 50, over 20 seconds of World time advanced in steps while 16 consumers claim.
        const int Rate = 50;
        var seconds = 20;
        await Queue.SetPolicyAsync(Jobs, new QueuePolicy { RateLimit = new QueueRateLimit(Rate, TimeSpan.FromSeconds(1), Rate) }, Cancellation);
        await Queue.EnqueueBatchAsync(Jobs, [.. Enumerable.Range(0, 1000).Select(i => new EnqueueRequest(Bytes($"a{i}")))], Cancellation);
        await Queue.EnqueueBatchAsync(Jobs, [.. Enumerable.Range(0, 1000).Select(i => new EnqueueRequest(Bytes($"b{i}")))], Cancellation);

        var claimed = 0;
        var step = TimeSpan.FromMilliseconds(250);
        for (var elapsed = TimeSpan.Zero; elapsed <= TimeSpan.FromSeconds(seconds); elapsed += step)
        {
            var counts = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(
                async () =>
                {
                    var messages = await Queue.ClaimAsync(new ClaimRequest([Jobs], 4, Lease, $"consumer-{i}"), Cancellation);
                    foreach (var message in messages)
                    {
                        await Queue.CompleteAsync(message.Lease, Cancellation);
                    }

                    return messages.Count;
                },
                Cancellation)));
            claimed += counts.Sum();

            // The bucket's bound at every step: the burst plus the rate times the time elapsed.
            Assert.InRange(claimed, 0, Rate + (Rate * elapsed.TotalSeconds));
            Clock.Advance(step);
        }

        // 16 × 4 claims per step exceed the 12.5 tokens a step adds: the limit, not the consumers, set the pace.
        Assert.InRange(claimed, Rate * seconds * 0.9, Rate + (Rate * seconds * 1.0));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current && Interlocked.CompareExchange(ref target, value, current) is var seen && seen != current)
        {
            current = seen;
        }
    }

    private Task<DispatchStatus> StatusAsync(string messageId) => Queue.GetDispatchStatusAsync(DispatchQuery.ForMessage(messageId), Cancellation);

    /// <summary>Enqueues, then moves the clock on a millisecond: messages of one millisecond have no id order.</summary>
    private async Task<string> EnqueueAsync(string queue, EnqueueOptions? options = null)
    {
        var id = (await Queue.EnqueueAsync(queue, Bytes("payload"), options, Cancellation)).MessageId;
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        return id;
    }

    private Task<IReadOnlyList<QueueMessage>> ClaimAsync(string queue, int max) =>
        Queue.ClaimAsync(new ClaimRequest([queue], max, Lease, "test"), Cancellation);
}
