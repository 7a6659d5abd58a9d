using World.Queue;
using World.Backends;

namespace World.Testing.Queue;

/// <summary>
/// Behaviours where two backends once differed, pinned so that no backend can (docs/guarantees.md#8-queue,
/// docs/guarantees.md#9-streams): reclaim of many expired leases, reclaim scoped to the claimed queues, stream listing
/// order, and an empty <c>WriteMany</c>.
/// </summary>
/// <typeparam name="TFactory">The backend's factory of Worlds (see <see cref="IWorldFactory"/>).</typeparam>
public abstract class BackendParityTests<TFactory> : WorldTestBase<TFactory>
    where TFactory : class, IWorldFactory
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task The_next_claim_reclaims_every_expired_lease_of_its_queues_however_many()
    {
        const int count = 250;
        await World.Queue.EnqueueBatchAsync("q", [.. Enumerable.Range(0, count).Select(i => new EnqueueRequest(new[] { (byte)i }))], Cancellation);
        Assert.Equal(count, (await World.Queue.ClaimAsync(new ClaimRequest(["q"], QueueRules.MaxClaim, Lease, "crashed"), Cancellation)).Count);
        Clock.Advance(Lease + TimeSpan.FromSeconds(1));

        var redelivered = await World.Queue.ClaimAsync(new ClaimRequest(["q"], QueueRules.MaxClaim, Lease, "survivor"), Cancellation);

        Assert.Equal(count, redelivered.Count);
        Assert.All(redelivered, message => Assert.Equal((2, 1), (message.Attempt, message.Failures)));
    }

    [Fact]
    public async Task An_expired_lease_is_reclaimed_by_a_claim_on_its_own_queue_only()
    {
        await World.Queue.EnqueueAsync("a", Bytes("a"), cancellationToken: Cancellation);
        await World.Queue.EnqueueAsync("b", Bytes("b"), cancellationToken: Cancellation);
        var late = Assert.Single(await World.Queue.ClaimAsync(new ClaimRequest(["b"], 1, Lease, "slow"), Cancellation));
        Clock.Advance(Lease + TimeSpan.FromSeconds(1));

        // A claim on queue a leaves queue b's expired lease alone: until a claim on b reclaims it, it is still current.
        Assert.Single(await World.Queue.ClaimAsync(new ClaimRequest(["a"], 10, Lease, "other"), Cancellation));
        Assert.True(await World.Queue.RenewAsync(late.Lease, Lease, Cancellation));
        Clock.Advance(Lease + TimeSpan.FromSeconds(1));

        var reclaimed = Assert.Single(await World.Queue.ClaimAsync(new ClaimRequest(["b"], 10, Lease, "other"), Cancellation));
        Assert.Equal((late.MessageId, 1), (reclaimed.MessageId, reclaimed.Failures));
        Assert.False(await World.Queue.CompleteAsync(late.Lease, Cancellation));
    }

    [Fact]
    public async Task Streams_are_listed_in_UTF8_byte_order_and_an_empty_write_changes_nothing()
    {
        var run = (await AppendAsync(null, new RunCreated("dpl", "wf", Bytes("[]")))).Run!;
        string[] names = ["😀", "b", "\uFF01", "a", "B", "é"];
        foreach (var name in names)
        {
            await World.Streams.WriteAsync(run.RunId, name, Bytes("x"), Cancellation);
        }

        // U+FF01 (EF BC 81) sorts before U+1F600 (F0 9F 98 80) in UTF-8, although its UTF-16 code unit is larger.
        Assert.Equal(["B", "a", "b", "é", "\uFF01", "😀"], await World.Streams.ListAsync(run.RunId, Cancellation));

        await World.Streams.WriteManyAsync(run.RunId, "empty", [], Cancellation);
        Assert.DoesNotContain("empty", await World.Streams.ListAsync(run.RunId, Cancellation));
        Assert.Equal(new StreamInfo(-1, false), await World.Streams.GetInfoAsync(run.RunId, "empty", Cancellation));

        await World.Streams.CloseAsync(run.RunId, "a", Cancellation);
        await World.Streams.WriteManyAsync(run.RunId, "a", [], Cancellation);
        await Assert.ThrowsAsync<StreamClosedException>(() => World.Streams.WriteManyAsync(run.RunId, "a", [Bytes("y")], Cancellation));
        Assert.Equal(new StreamInfo(0, true), await World.Streams.GetInfoAsync(run.RunId, "a", Cancellation));
    }
}
