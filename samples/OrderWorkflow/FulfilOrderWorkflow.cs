using World.Runtime;

namespace World.Samples.OrderWorkflow;

/// <summary>
/// Reserve stock, charge the card (retried once after a gateway timeout), wait for a reviewer's approval through a
/// hook, let a cooling-off period pass with a durable sleep, ship, and report progress on the run's stream.
/// Every await on the context is recorded; a crash anywhere resumes here on another worker without redoing steps.
/// </summary>
[Workflow("fulfil-order")]
public sealed class FulfilOrderWorkflow(PaymentGateway gateway) : IWorkflow<Order, Receipt>
{
    /// <summary>How long the order cools off before it ships.</summary>
    public static readonly TimeSpan CoolingOff = TimeSpan.FromSeconds(2);

    public async Task<Receipt> RunAsync(IWorkflowContext context, Order order)
    {
        var reservation = await context.StepAsync("reserve-stock", order, (o, _) => Task.FromResult($"res_{o.OrderId}"));
        await context.WriteToStreamAsync(new Progress("reserved", reservation));

        var charge = await context.StepAsync(
            "charge-card",
            order,
            async (o, step) => (Id: await gateway.ChargeAsync(o, step.CancellationToken), step.Attempt),
            new StepOptions { MaxAttempts = 3, Backoff = new World.RetryBackoff { Initial = TimeSpan.FromMilliseconds(500), Jitter = 0 } });
        await context.WriteToStreamAsync(new Progress("charged", $"{charge.Id} on attempt {charge.Attempt}"));

        await using var approval = await context.CreateHookAsync<Approval>(new HookOptions { Metadata = order });
        await context.WriteToStreamAsync(new Progress("awaiting-approval", approval.Token));
        var decision = await approval.NextAsync();
        if (!decision.Approved)
        {
            await context.StepAsync("refund", _ => Task.CompletedTask);
            throw new InvalidOperationException($"Order {order.OrderId} was rejected by {decision.Reviewer}.");
        }

        await context.WriteToStreamAsync(new Progress("approved", decision.Reviewer));
        await context.SleepAsync(CoolingOff);

        var tracking = await context.StepAsync("ship", order, (o, _) => Task.FromResult($"1Z{o.OrderId.ToUpperInvariant()}"));
        await context.WriteToStreamAsync(new Progress("shipped", tracking));
        await context.CloseStreamAsync();
        return new Receipt(order.OrderId, reservation, charge.Id, charge.Attempt, decision.Reviewer, tracking);
    }
}
