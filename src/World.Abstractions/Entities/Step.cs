namespace World;

/// <summary>A step of a run: a read-only projection of its <c>step_*</c> events.</summary>
public sealed record Step
{
    /// <summary>The owning run.</summary>
    public required string RunId { get; init; }

    /// <summary>The step id, equal to the correlation id of its events.</summary>
    public required string StepId { get; init; }

    /// <summary>The step's machine name.</summary>
    public required string StepName { get; init; }

    /// <summary>The current status.</summary>
    public required StepStatus Status { get; init; }

    /// <summary>The step arguments (opaque bytes); null when absent or not resolved.</summary>
    public ReadOnlyMemory<byte>? Input { get; init; }

    /// <summary>The step result (opaque bytes); present once completed.</summary>
    public ReadOnlyMemory<byte>? Output { get; init; }

    /// <summary>The latest error, from <c>step_retrying</c> or <c>step_failed</c>.</summary>
    public StructuredError? Error { get; init; }

    /// <summary>0 on creation; incremented by every <c>step_started</c>.</summary>
    public required int Attempt { get; init; }

    /// <summary>Set by the first <c>step_started</c> only.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>Set by <c>step_completed</c> or <c>step_failed</c>.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>The earliest time the next attempt may start; set by <c>step_retrying</c>, cleared by <c>step_started</c>.</summary>
    public DateTimeOffset? RetryAfter { get; init; }

    /// <summary>When the step was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the step last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The spec version copied from the creating event.</summary>
    public required int SpecVersion { get; init; }
}
