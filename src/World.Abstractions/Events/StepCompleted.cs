namespace World;

/// <summary><c>step_completed</c>: the step finished with a result.</summary>
/// <param name="Result">The result (required on create; null only on <see cref="ResolveData.None"/> reads).</param>
public sealed record StepCompleted(ReadOnlyMemory<byte>? Result) : EventData(EventType.StepCompleted)
{
    /// <summary>The step's machine name (informational).</summary>
    public string? StepName { get; init; }

    /// <summary>The workflow's machine name (informational).</summary>
    public string? WorkflowName { get; init; }

    /// <inheritdoc />
    public override EventData WithoutPayload() => this with { Result = null };
}
