namespace World.Testing.Workflows;

/// <summary>The metadata <see cref="HookWorkflow"/> stores on its hook.</summary>
public sealed record HookMetadata(string CustomData);
