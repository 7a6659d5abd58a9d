namespace World;

/// <summary>A pending fire leased to one scheduler, with what it needs to create the run.</summary>
/// <param name="Fire">The fire; <see cref="ScheduleFire.RunId"/> is set.</param>
/// <param name="WorkflowName">The schedule's workflow.</param>
/// <param name="Input">The schedule's input.</param>
/// <param name="LeaseUntil">Until when no other scheduler takes the fire; after that another may (the run id keeps it exactly-once).</param>
public sealed record ClaimedScheduleFire(ScheduleFire Fire, string WorkflowName, ReadOnlyMemory<byte> Input, DateTimeOffset LeaseUntil);
