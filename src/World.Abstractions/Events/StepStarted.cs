namespace World;

/// <summary>
/// <c>step_started</c>: an attempt of the step begins; increments the attempt counter. With <see cref="StepName"/> and
/// <see cref="Input"/> it also creates a step that does not exist yet (lazy start): the World appends a synthetic
/// <c>step_created</c> carrying them and then this event, in one commit, saving the caller a write per step.
/// </summary>
public sealed record StepStarted() : EventData(EventType.StepStarted)
{
    /// <summary>The step's machine name (informational; required, with <see cref="Input"/>, to create the step).</summary>
    public string? StepName { get; init; }

    /// <summary>The caller's view of the attempt (informational; the World counts attempts itself).</summary>
    public int? Attempt { get; init; }

    /// <summary>The workflow's machine name (informational).</summary>
    public string? WorkflowName { get; init; }

    /// <summary>
    /// The step arguments, for a lazy start. Stored on the synthetic <c>step_created</c> only, never on this event;
    /// ignored when the step exists already.
    /// </summary>
    public ReadOnlyMemory<byte>? Input { get; init; }

    /// <inheritdoc />
    public override EventData WithoutPayload() => Input is null ? this : this with { Input = null };
}
