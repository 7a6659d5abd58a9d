namespace World.Testing.Workflows;

/// <summary>A line <see cref="HookWorkflow"/> writes to its default stream.</summary>
public sealed record StreamLine(string Event, HookPayload? Payload = null);
