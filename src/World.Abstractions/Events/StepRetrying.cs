namespace World;

/// <summary><c>step_retrying</c>: the attempt failed; the step goes back to pending until <see cref="RetryAfter"/>.</summary>
/// <param name="Error">The attempt's error (required on create; null only on <see cref="ResolveData.None"/> reads).</param>
/// <param name="RetryAfter">The earliest time the next attempt may start; null allows it at once.</param>
public sealed record StepRetrying(StructuredError? Error, DateTimeOffset? RetryAfter = null) : EventData(EventType.StepRetrying)
{
    /// <summary>The step's machine name (informational).</summary>
    public string? StepName { get; init; }

    /// <inheritdoc />
    public override EventData WithoutPayload() => this with { Error = null };
}
