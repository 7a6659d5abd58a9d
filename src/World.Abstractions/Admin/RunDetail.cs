namespace World;

/// <summary>A run with what explains its state: steps, live hooks, waits, children and its invocation's dispatch status.</summary>
public sealed record RunDetail
{
    /// <summary>The most steps, hooks or children one detail lists; the flags below say when more exist.</summary>
    public const int MaxItems = PageRequest.MaxLimit;

    /// <summary>The run, without payloads.</summary>
    public required WorkflowRun Run { get; init; }

    /// <summary>Its steps in creation order, without payloads.</summary>
    public required IReadOnlyList<Step> Steps { get; init; }

    /// <summary>Whether the run has more than <see cref="MaxItems"/> steps.</summary>
    public bool MoreSteps { get; init; }

    /// <summary>Its live hooks in creation order, without payloads.</summary>
    public required IReadOnlyList<Hook> Hooks { get; init; }

    /// <summary>Whether the run has more than <see cref="MaxItems"/> live hooks.</summary>
    public bool MoreHooks { get; init; }

    /// <summary>Its waits (durable sleeps) in creation order, read from the event log.</summary>
    public required IReadOnlyList<Wait> Waits { get; init; }

    /// <summary>The runs it started, oldest first.</summary>
    public required IReadOnlyList<WorkflowRun> Children { get; init; }

    /// <summary>Whether the run has more than <see cref="MaxItems"/> children.</summary>
    public bool MoreChildren { get; init; }

    /// <summary>How many events its log holds.</summary>
    public required int EventCount { get; init; }

    /// <summary>Why its invocation message is, or is not, running; null when the run has ended.</summary>
    public DispatchStatus? Dispatch { get; init; }
}
