namespace World.Runtime;

/// <summary>Stream names the runtime uses.</summary>
public static class WorkflowStreams
{
    /// <summary>The run's default output stream.</summary>
    public const string Default = "default";
}
