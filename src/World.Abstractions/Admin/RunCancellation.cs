namespace World;

/// <summary>What <see cref="IWorldAdmin.CancelRunAsync"/> did.</summary>
public sealed record RunCancellation
{
    /// <summary>The runs this call cancelled (the requested run first, then descendants top-down).</summary>
    public required IReadOnlyList<string> Cancelled { get; init; }

    /// <summary>The runs left alone because they had already ended (completed, failed or cancelled).</summary>
    public required IReadOnlyList<string> AlreadyEnded { get; init; }

    /// <summary>Whether descendants were left out because the walk reached <see cref="RunTreeNode.MaxRuns"/>.</summary>
    public bool Truncated { get; init; }
}
