namespace World.InMemory.Storage;

/// <summary>A step with its sort key: the id of its <c>step_created</c> event, which orders steps by creation.</summary>
internal sealed class StepEntry(Step step, string sortKey)
{
    /// <summary>The current step; replaced under the run's lock.</summary>
    public Step Step { get; set; } = step;

    /// <summary>The creation event id.</summary>
    public string SortKey { get; } = sortKey;
}
