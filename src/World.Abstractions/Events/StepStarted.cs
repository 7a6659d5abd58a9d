namespace World;

/// <summary><c>step_started</c>: an attempt of the step begins; increments the attempt counter.</summary>
public sealed record StepStarted() : EventData(EventType.StepStarted)
{
    /// <summary>The step's machine name (informational).</summary>
    public string? StepName { get; init; }

    /// <summary>The caller's view of the attempt (informational; the World counts attempts itself).</summary>
    public int? Attempt { get; init; }

    /// <summary>The workflow's machine name (informational).</summary>
    public string? WorkflowName { get; init; }

    /// <inheritdoc />
    public override EventData WithoutPayload() => this;
}
