namespace World.Samples.OrderWorkflow;

/// <summary>An order to fulfil.</summary>
public sealed record Order(string OrderId, string Customer, decimal Total);
