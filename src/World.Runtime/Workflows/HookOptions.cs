namespace World.Runtime;

/// <summary>How a hook is created.</summary>
public sealed record HookOptions
{
    /// <summary>
    /// The token outside callers resume the hook with. Null (the default) mints an unguessable one; a chosen token
    /// must be unique among live hooks of all runs, or creation fails with <see cref="HookConflictException"/>.
    /// </summary>
    public string? Token { get; init; }

    /// <summary>Metadata stored on the hook (serialized), readable by whoever looks the hook up by token.</summary>
    public object? Metadata { get; init; }
}
