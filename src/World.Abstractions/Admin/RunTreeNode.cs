namespace World;

/// <summary>A run and the runs it started, recursively.</summary>
public sealed record RunTreeNode
{
    /// <summary>The most runs one tree (or one cancellation with descendants) visits.</summary>
    public const int MaxRuns = PageRequest.MaxLimit;

    /// <summary>The run, without payloads.</summary>
    public required WorkflowRun Run { get; init; }

    /// <summary>The runs it started, oldest first.</summary>
    public required IReadOnlyList<RunTreeNode> Children { get; init; }

    /// <summary>Whether children of this run were left out because the tree reached <see cref="MaxRuns"/>.</summary>
    public bool Truncated { get; init; }
}
