namespace World;

/// <summary>The outcome of a successful <see cref="IEventStore.CreateAsync"/>: the committed event and the entity after the change.</summary>
public sealed record EventResult
{
    /// <summary>The committed event; null only for the idempotent <c>run_started</c> on a running run.</summary>
    public WorldEvent? Event { get; init; }

    /// <summary>The run after the change (run events).</summary>
    public WorkflowRun? Run { get; init; }

    /// <summary>The step after the change (step events).</summary>
    public Step? Step { get; init; }

    /// <summary>The hook after the change (<c>hook_created</c>; null on a token conflict).</summary>
    public Hook? Hook { get; init; }

    /// <summary>The wait after the change (wait events).</summary>
    public Wait? Wait { get; init; }

    /// <summary>The run's log in ascending order, preloaded by <c>run_started</c> unless skipped.</summary>
    public IReadOnlyList<WorldEvent>? Events { get; init; }

    /// <summary>The cursor after the last preloaded event, when <see cref="Events"/> is present.</summary>
    public string? Cursor { get; init; }

    /// <summary>Whether more events follow the preload, when <see cref="Events"/> is present.</summary>
    public bool? HasMore { get; init; }

    /// <summary>The per-run event ceiling, on run lifecycle responses.</summary>
    public int? MaxEvents { get; init; }
}
