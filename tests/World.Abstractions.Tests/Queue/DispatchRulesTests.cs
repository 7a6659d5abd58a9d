using World.Backends;

namespace World.Abstractions.Tests.Queue;

public sealed class DispatchRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static QueueMessageState Live(DateTimeOffset? availableAt = null, string? owner = null, DateTimeOffset? leaseExpiresAt = null) =>
        new("wmsg_1", "orders", availableAt ?? Now, owner, leaseExpiresAt, Attempt: 2, Failures: 1, EnqueuedAt: Now.AddMinutes(-5), DeadLetteredAt: null);

    private static QueueConsumer Consumer(string id, int capacity, int inFlight, string queue = "orders", DateTimeOffset? expiresAt = null) =>
        new(id, [queue], capacity, inFlight, Now.AddSeconds(-1), expiresAt ?? Now.AddSeconds(30));

    [Fact]
    public void Every_reason_has_a_distinct_snake_case_code()
    {
        var codes = Enum.GetValues<DispatchReason>().Select(reason => reason.ToCode()).ToArray();

        Assert.Equal(codes.Length, codes.Distinct(StringComparer.Ordinal).Count());
        Assert.All(codes, code => Assert.Matches("^[a-z]+(_[a-z]+)*$", code));
        Assert.Throws<ArgumentOutOfRangeException>(() => ((DispatchReason)999).ToCode());
    }

    [Fact]
    public void The_state_decides_before_the_consumers_do()
    {
        var free = new[] { Consumer("w", 4, 0) };

        Assert.Equal(DispatchReason.NotFound, DispatchRules.Explain(null, free, Now).Reason);
        Assert.Equal(DispatchReason.DeadLettered, DispatchRules.Explain(Live() with { DeadLetteredAt = Now }, free, Now).Reason);
        Assert.Equal(DispatchReason.Running, DispatchRules.Explain(Live(owner: "w", leaseExpiresAt: Now.AddSeconds(1)), free, Now).Reason);
        Assert.Equal(DispatchReason.LeaseExpired, DispatchRules.Explain(Live(owner: "w", leaseExpiresAt: Now), free, Now).Reason);
        Assert.Equal(DispatchReason.Delayed, DispatchRules.Explain(Live(availableAt: Now.AddTicks(1)), free, Now).Reason);
        Assert.Equal(DispatchReason.Ready, DispatchRules.Explain(Live(), free, Now).Reason);
    }

    [Fact]
    public void Ready_work_waits_for_no_consumer_or_consumers_at_capacity_counting_only_live_listeners_of_its_queue()
    {
        Assert.Equal(DispatchReason.NoConsumer, DispatchRules.ReadyReasonOf("orders", [], Now));
        Assert.Equal(DispatchReason.NoConsumer, DispatchRules.ReadyReasonOf("orders", [Consumer("w", 4, 0, queue: "other")], Now));
        Assert.Equal(DispatchReason.NoConsumer, DispatchRules.ReadyReasonOf("orders", [Consumer("w", 4, 0, expiresAt: Now)], Now));
        Assert.Equal(DispatchReason.ConsumersAtCapacity, DispatchRules.ReadyReasonOf("orders", [Consumer("a", 2, 2), Consumer("b", 1, 1)], Now));
        Assert.Equal(DispatchReason.Ready, DispatchRules.ReadyReasonOf("orders", [Consumer("a", 2, 2), Consumer("b", 2, 1)], Now));
        // A lapsed consumer with free slots does not make work ready.
        Assert.Equal(DispatchReason.ConsumersAtCapacity, DispatchRules.ReadyReasonOf("orders", [Consumer("a", 2, 2), Consumer("b", 2, 0, expiresAt: Now.AddTicks(-1))], Now));
    }

    [Fact]
    public void An_explanation_carries_the_message_its_lease_and_a_description_without_payload()
    {
        var status = DispatchRules.Explain(Live(owner: "host:42", leaseExpiresAt: Now.AddSeconds(20)), [], Now);

        Assert.Equal("wmsg_1", status.MessageId);
        Assert.Equal("orders", status.QueueName);
        Assert.Equal("host:42", status.LeaseOwner);
        Assert.Equal(Now.AddSeconds(20), status.Until);
        Assert.Equal(2, status.Attempt);
        Assert.Equal(1, status.Failures);
        Assert.Equal(Now.AddMinutes(-5), status.EnqueuedAt);
        Assert.Equal(Now, status.AsOf);
        Assert.Contains("host:42", status.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Summaries_add_consumers_per_queue_and_list_every_queue_with_anything_when_none_is_named()
    {
        var counts = new[] { new QueueCounts("orders", 3, 1, 2, 0, 4, Now.AddMinutes(-2)) };
        var consumers = new[] { Consumer("a", 4, 2), Consumer("b", 2, 2), Consumer("c", 8, 0, queue: "idle"), Consumer("gone", 9, 0, expiresAt: Now) };

        var all = DispatchRules.Summarize(null, counts, consumers, Now);
        var named = DispatchRules.Summarize(["none", "orders"], counts, consumers, Now);

        Assert.Equal(["idle", "orders"], all.Select(s => s.QueueName));
        var orders = all[1];
        Assert.Equal((3, 1, 2, 0, 4), (orders.Ready, orders.Delayed, orders.Running, orders.LeaseExpired, orders.DeadLettered));
        Assert.Equal((2, 6, 4), (orders.Consumers, orders.Capacity, orders.InFlight));
        Assert.Equal(DispatchReason.Ready, orders.ReadyReason);
        Assert.Equal(TimeSpan.FromMinutes(2), orders.OldestReadyAge);
        Assert.Equal(["none", "orders"], named.Select(s => s.QueueName));
        Assert.Equal(DispatchReason.NoConsumer, named[0].ReadyReason);
        Assert.Null(named[0].OldestReadyAt);
    }

    [Fact]
    public void Reports_are_validated_and_stamped_with_the_worlds_time()
    {
        var consumer = DispatchRules.ToConsumer(new ConsumerReport("w", ["b", "a", "b"], 3, 1, TimeSpan.FromSeconds(30)), Now);

        Assert.Equal(["b", "a"], consumer.QueueNames);
        Assert.Equal(Now, consumer.ReportedAt);
        Assert.Equal(Now.AddSeconds(30), consumer.ExpiresAt);
        Assert.Throws<WorldValidationException>(() => DispatchRules.ToConsumer(null!, Now));
        Assert.Throws<WorldValidationException>(() => DispatchRules.ToConsumer(new ConsumerReport("w", [.. Enumerable.Range(0, DispatchRules.MaxQueuesPerRequest + 1).Select(i => $"q{i}")], 1, 0, TimeSpan.FromSeconds(1)), Now));
    }
}
