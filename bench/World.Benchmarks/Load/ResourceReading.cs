namespace World.Benchmarks.Load;

/// <summary>One reading of the resources a long run must not leak: the process's memory and the server's connections and locks.</summary>
/// <param name="WorkingSetMb">The process's working set.</param>
/// <param name="GcHeapMb">The managed heap after the last collection (<see cref="GCMemoryInfo.HeapSizeBytes"/>).</param>
/// <param name="GcAllocatedMb">Bytes currently thought allocated (<see cref="GC.GetTotalMemory(bool)"/> without collecting).</param>
/// <param name="Gen2Collections">Gen2 collections since the process started.</param>
/// <param name="Connections">Sessions on the World's database (<c>pg_stat_activity</c>), null when unreadable.</param>
/// <param name="WorldConnections">Of those, the World's own (its <c>application_name</c>).</param>
/// <param name="LockWaits">Lock requests waiting right now (<c>pg_locks</c> not granted), server-wide.</param>
/// <param name="Deadlocks">Deadlocks detected in the database since its statistics were reset (<c>pg_stat_database</c>).</param>
/// <param name="QueueDepths">Live messages per queue (ready and leased).</param>
internal sealed record ResourceReading(
    double WorkingSetMb,
    double GcHeapMb,
    double GcAllocatedMb,
    int Gen2Collections,
    int? Connections,
    int? WorldConnections,
    int? LockWaits,
    long? Deadlocks,
    IReadOnlyDictionary<string, long> QueueDepths);
