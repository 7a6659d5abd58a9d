namespace World;

/// <summary>Who wrote an <c>attr_set</c> event: the workflow itself, or a step attempt.</summary>
/// <param name="Type"><c>workflow</c> or <c>step</c>.</param>
/// <param name="StepId">The writing step, when <paramref name="Type"/> is <c>step</c>.</param>
/// <param name="Attempt">The writing step's attempt, when <paramref name="Type"/> is <c>step</c>.</param>
public sealed record AttributeWriter(string Type, string? StepId = null, int? Attempt = null)
{
    /// <summary>The workflow writer.</summary>
    public static AttributeWriter Workflow { get; } = new("workflow");

    /// <summary>Whether the writer is the workflow (whose writes are unique per correlation id).</summary>
    public bool IsWorkflow => string.Equals(Type, "workflow", StringComparison.Ordinal);
}
