namespace World.Docs.Tests.Snippets;

/// <summary>The C# blocks of docs/flow-control.md.</summary>
public static class FlowControlDocSnippets
{
    public static async Task<bool> ReportsAsync(IWorld world, byte[] payload, string customerId, CancellationToken cancellationToken)
    {
        // At most 20 reports at once over every worker, one at a time per customer, 100 a minute with bursts of 20,
        // and at most 50,000 waiting: a flood is refused at the door instead of buried in the backlog.
        await world.Queue.SetPolicyAsync("reports", new QueuePolicy
        {
            MaxConcurrency = 20,
            MaxConcurrencyPerKey = 1,
            RateLimit = new QueueRateLimit(100, TimeSpan.FromMinutes(1), Burst: 20),
            MaxBacklog = 50_000,
        }, cancellationToken);

        try
        {
            await world.Queue.EnqueueAsync("reports", payload, new EnqueueOptions { ConcurrencyKey = customerId }, cancellationToken);
            return true;
        }
        catch (QueueFullException)
        {
            return false; // Nothing was enqueued: answer 429 and let the caller come back later.
        }
    }

    public static async Task<string> WhyAsync(IWorld world, string messageId, CancellationToken cancellationToken)
    {
        var status = await world.Queue.GetDispatchStatusAsync(DispatchQuery.ForMessage(messageId), cancellationToken);
        return status.Code; // e.g. "key_at_concurrency_limit", with status.ConcurrencyKey naming the customer
    }

    public static async Task PauseAsync(IWorld world, CancellationToken cancellationToken)
    {
        var policy = await world.Queue.GetPolicyAsync("reports", cancellationToken);
        await world.Queue.SetPolicyAsync("reports", policy with { Paused = true }, cancellationToken);
    }
}
