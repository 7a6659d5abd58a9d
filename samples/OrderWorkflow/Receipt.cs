namespace World.Samples.OrderWorkflow;

/// <summary>What the workflow returns.</summary>
public sealed record Receipt(string OrderId, string ReservationId, string ChargeId, int ChargeAttempts, string ApprovedBy, string TrackingNumber);
