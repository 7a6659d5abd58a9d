namespace World;

/// <summary>The run has ended, so no new work may start on it (410).</summary>
public sealed class RunExpiredException : WorldException
{
    /// <summary>Creates the exception.</summary>
    public RunExpiredException(string runId, RunStatus status, string message)
        : base(WorldErrorCodes.RunExpired, 410, message)
    {
        RunId = runId;
        RunStatus = status;
    }

    /// <summary>The ended run.</summary>
    public string RunId { get; }

    /// <summary>The run's terminal status.</summary>
    public RunStatus RunStatus { get; }
}
