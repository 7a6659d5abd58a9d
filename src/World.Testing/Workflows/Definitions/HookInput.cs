namespace World.Testing.Workflows;

/// <summary>The input of <see cref="HookWorkflow"/>.</summary>
public sealed record HookInput(string Token, string CustomData);
