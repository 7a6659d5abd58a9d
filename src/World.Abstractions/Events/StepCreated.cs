namespace World;

/// <summary><c>step_created</c>: creates a pending step with attempt 0.</summary>
/// <param name="StepName">The step's machine name.</param>
/// <param name="Input">The step arguments (required on create; null only on <see cref="ResolveData.None"/> reads).</param>
public sealed record StepCreated(string StepName, ReadOnlyMemory<byte>? Input) : EventData(EventType.StepCreated)
{
    /// <summary>An optional hint naming the workflow.</summary>
    public string? WorkflowName { get; init; }

    /// <inheritdoc />
    public override EventData WithoutPayload() => this with { Input = null };
}
