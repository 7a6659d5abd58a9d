namespace World.Benchmarks.Scenarios;

/// <summary>What one database fault cost a workflow worker under steady load, and how long it took to recover.</summary>
/// <param name="Fault">The fault injected.</param>
/// <param name="Lease">The worker's lease and heartbeat.</param>
/// <param name="PreFaultRunsPerSecond">Runs completed per second over the 5 s before the fault.</param>
/// <param name="UnavailableSeconds">From the fault's start to the database accepting connections again (0 for terminated connections: the server stays up).</param>
/// <param name="FirstCompletionSeconds">From the database being available again to the first run completed after it; null when none completed.</param>
/// <param name="Recovered90Seconds">
/// From the database being available again to the end of the first 1-second window (windows start at or after
/// availability, every 100 ms) in which runs completed at 90 % or more of the pre-fault rate; null when it never did
/// within the observation limit.
/// </param>
/// <param name="RunsStarted">Runs whose start call returned during the phase.</param>
/// <param name="RunsCompleted">Of those, completed.</param>
/// <param name="RunsFailed">Of those, failed (must be 0: a database fault is not the run's failure).</param>
/// <param name="RunsLost">Of those, unfinished when the phase's drain deadline passed (must be 0).</param>
/// <param name="StartCallsFailed">Start calls that threw (the client saw the fault and retried with a new run).</param>
/// <param name="RunsStrandedByFailedStarts">Runs created by a start call that then threw, left unfinished without an invocation message.</param>
/// <param name="ExtraStepExecutions">Step bodies executed again for a step that had already started (at-least-once: a fault between a step's body and its commit).</param>
/// <param name="ConnectionsTerminated">Backends terminated (the connection fault only).</param>
/// <param name="WorstHealth">The worst state the worker's health reported during the phase.</param>
/// <param name="CircuitOpened">Whether the claim circuit breaker opened.</param>
/// <param name="WorkerAlive">Whether the worker was still running at the end of the phase.</param>
internal sealed record FaultRecovery(
    string Fault,
    string Lease,
    double PreFaultRunsPerSecond,
    double UnavailableSeconds,
    double? FirstCompletionSeconds,
    double? Recovered90Seconds,
    long RunsStarted,
    long RunsCompleted,
    long RunsFailed,
    long RunsLost,
    long StartCallsFailed,
    long RunsStrandedByFailedStarts,
    long ExtraStepExecutions,
    int ConnectionsTerminated,
    string WorstHealth,
    bool CircuitOpened,
    bool WorkerAlive);
