namespace World;

/// <summary>The answer of <see cref="IWorldAdmin.CheckHealthAsync"/>.</summary>
public sealed record WorldHealthReport
{
    /// <summary>Whether the World answered and its schema is current.</summary>
    public bool Healthy => Problems.Count == 0;

    /// <summary>What is wrong, one sentence each, never holding a connection string; empty when healthy.</summary>
    public required IReadOnlyList<string> Problems { get; init; }

    /// <summary>The schema status; null when the World did not answer.</summary>
    public SchemaStatus? Schema { get; init; }

    /// <summary>The queues' backlogs; empty when the World did not answer.</summary>
    public required IReadOnlyList<QueueStats> Queues { get; init; }
}
