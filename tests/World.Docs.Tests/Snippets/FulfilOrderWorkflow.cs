using World.Runtime;

namespace World.Docs.Tests.Snippets;

// docs/runtime.md, "Writing a workflow", verbatim.

[Workflow("fulfil-order")]                                  // the stable name stored on runs (default: class name)
public sealed class FulfilOrderWorkflow(Inventory inventory, PaymentGateway gateway, Shipping shipping) : IWorkflow<Order, Receipt>
{
    public async Task<Receipt> RunAsync(IWorkflowContext context, Order order)
    {
        var reservation = await context.StepAsync("reserve-stock", order, (o, step) => inventory.ReserveAsync(o, step.CancellationToken));
        var charge = await context.StepAsync("charge-card", order, (o, step) => gateway.ChargeAsync(o, step.CancellationToken),
            new StepOptions { MaxAttempts = 5 });

        await using var approval = await context.CreateHookAsync<Approval>(new HookOptions { Metadata = order });
        await context.WriteToStreamAsync(new Progress("awaiting-approval", approval.Token));
        var decision = await approval.NextAsync();

        await context.SleepAsync(TimeSpan.FromDays(14));     // durable: survives restarts, costs nothing while asleep
        var tracking = await context.StepAsync("ship", _ => shipping.ShipAsync(order));
        return new Receipt(order.OrderId, reservation, charge, decision.Reviewer, tracking);
    }
}
