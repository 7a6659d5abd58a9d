namespace World.Samples.OrderWorkflow;

/// <summary>A progress line on the run's default stream.</summary>
public sealed record Progress(string Stage, string Detail);
