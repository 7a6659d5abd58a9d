namespace World.Testing.Workflows;

/// <summary>A run's id and lineage attributes, as the run itself saw them, with its descendants' reports.</summary>
public sealed record LineageReport(string RunId, string? ParentRunId, string? RootRunId, LineageReport? Child);
