namespace World;

/// <summary>The hook does not exist, was disposed, or its run has ended (404).</summary>
public sealed class HookNotFoundException : EntityNotFoundException
{
    /// <summary>Creates the exception for a hook id or token.</summary>
    public HookNotFoundException(string hookIdOrToken, bool byToken = false)
        : base(
            EntityKind.Hook,
            hookIdOrToken,
            WorldErrorCodes.HookNotFound,
            byToken ? "No live hook holds the given token." : $"Hook '{hookIdOrToken}' was not found.")
    {
        ByToken = byToken;
    }

    /// <summary>Whether the lookup was by token (the token is then not echoed in the message).</summary>
    public bool ByToken { get; }
}
