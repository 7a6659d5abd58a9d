namespace World;

/// <summary><c>step_failed</c>: the step finished with an error and will not be retried.</summary>
/// <param name="Error">The error (required on create; null only on <see cref="ResolveData.None"/> reads).</param>
public sealed record StepFailed(StructuredError? Error) : EventData(EventType.StepFailed)
{
    /// <summary>The step's machine name (informational).</summary>
    public string? StepName { get; init; }

    /// <inheritdoc />
    public override EventData WithoutPayload() => this with { Error = null };
}
