using World.Runtime;

namespace World.Docs.Tests.Snippets;

/// <summary>The workflow-body blocks of docs/runtime.md (hooks, child runs), inside a workflow that gives them their variables.</summary>
public sealed class HooksAndChildrenWorkflow : IWorkflow<Order, string>
{
    public async Task<string> RunAsync(IWorkflowContext context, Order order)
    {
        var orderId = order.OrderId;
        await using var hook = await context.CreateHookAsync<Payment>(new HookOptions { Token = $"pay-{orderId}", Metadata = order });
        var first = await hook.NextAsync();                    // one payload
        await foreach (var payload in hook) { /* … */ break; } // or many, in the order they arrived

        var shipment = new Shipment(orderId);
        var child = await context.StartChildAsync<ShipmentWorkflow, Shipment, Tracking>(shipment);
        var tracking = await child.GetResultAsync();           // ChildWorkflowFailedException if it failed or was cancelled
        return tracking.Number;
    }
}
