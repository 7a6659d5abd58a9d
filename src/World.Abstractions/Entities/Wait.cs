namespace World;

/// <summary>A durable wait (sleep) of a run. Materialized so that it completes exactly once.</summary>
public sealed record Wait
{
    /// <summary>The wait id: <c>{runId}-{correlationId}</c>.</summary>
    public required string WaitId { get; init; }

    /// <summary>The owning run.</summary>
    public required string RunId { get; init; }

    /// <summary>The correlation id of the wait's events.</summary>
    public required string CorrelationId { get; init; }

    /// <summary>The current status.</summary>
    public required WaitStatus Status { get; init; }

    /// <summary>When the wait elapses.</summary>
    public DateTimeOffset? ResumeAt { get; init; }

    /// <summary>Set by <c>wait_completed</c>.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>When the wait was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the wait last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The spec version copied from the creating event.</summary>
    public required int SpecVersion { get; init; }

    /// <summary>Builds the composite wait id used by every backend.</summary>
    public static string ComposeId(string runId, string correlationId) => runId + "-" + correlationId;
}
