namespace World.Samples.OrderWorkflow;

/// <summary>The payload a reviewer sends to the order's approval hook.</summary>
public sealed record Approval(bool Approved, string Reviewer);
