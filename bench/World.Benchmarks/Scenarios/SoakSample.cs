namespace World.Benchmarks.Scenarios;

/// <summary>One periodic sample of the soak: throughput over the interval since the previous sample, and resources now.</summary>
/// <param name="Seconds">Since the measured part of the soak began.</param>
/// <param name="JobsPerSecond">Queue messages handled (through <see cref="World.Queue.QueueProcessor"/>) per second.</param>
/// <param name="RunsPerSecond">Workflow runs finished per second.</param>
/// <param name="StepsPerSecond">Workflow step bodies executed per second.</param>
/// <param name="WorkingSetMb">The process's working set.</param>
/// <param name="GcHeapMb">The managed heap after the last collection.</param>
/// <param name="GcAllocatedMb">Bytes thought allocated now, without collecting.</param>
/// <param name="Gen2Collections">Gen2 collections during the interval.</param>
/// <param name="Connections">Sessions on the database (all of them: the World's pool, the monitor, NOTIFY listeners).</param>
/// <param name="WorldConnections">The World's own sessions.</param>
/// <param name="LockWaits">Lock requests waiting at the sampling instant.</param>
/// <param name="Deadlocks">Deadlocks detected during the interval.</param>
/// <param name="JobQueueDepth">Live messages on the job queue (the deep backlog).</param>
/// <param name="WorkflowQueueDepth">Live invocation messages on the workflow queue (runs not yet finished).</param>
internal sealed record SoakSample(
    double Seconds,
    double JobsPerSecond,
    double RunsPerSecond,
    double StepsPerSecond,
    double WorkingSetMb,
    double GcHeapMb,
    double GcAllocatedMb,
    int Gen2Collections,
    int? Connections,
    int? WorldConnections,
    int? LockWaits,
    long? Deadlocks,
    long JobQueueDepth,
    long WorkflowQueueDepth);
