namespace World.Runtime;

/// <summary>A hook asked for a token that a live hook of another run (or another hook) already holds.</summary>
public sealed class HookConflictException : WorkflowException
{
    internal HookConflictException(string token, string conflictingRunId)
        : base($"The hook token is held by a live hook of run '{conflictingRunId}'.")
    {
        Token = token;
        ConflictingRunId = conflictingRunId;
    }

    /// <summary>The contested token.</summary>
    public string Token { get; }

    /// <summary>The run that holds it.</summary>
    public string ConflictingRunId { get; }
}
