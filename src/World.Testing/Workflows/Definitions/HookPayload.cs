namespace World.Testing.Workflows;

/// <summary>A payload sent to <see cref="HookWorkflow"/>'s hook.</summary>
public sealed record HookPayload(string Message, bool Done = false);
