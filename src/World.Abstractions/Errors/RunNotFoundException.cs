namespace World;

/// <summary>The run does not exist (404).</summary>
public sealed class RunNotFoundException : EntityNotFoundException
{
    /// <summary>Creates the exception.</summary>
    public RunNotFoundException(string runId)
        : base(EntityKind.Run, runId, WorldErrorCodes.RunNotFound, $"Workflow run '{runId}' was not found.")
    {
    }

    /// <summary>The missing run's id.</summary>
    public string RunId => EntityId;
}
