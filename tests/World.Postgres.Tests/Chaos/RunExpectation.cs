namespace World.Postgres.Tests.Chaos;

/// <summary>How a run of a scenario must end: its status and, for a failed run, the error code that explains it.</summary>
internal sealed record RunExpectation(RunStatus Status, string? ErrorCode = null)
{
    public static RunExpectation Completed { get; } = new(RunStatus.Completed);

    /// <summary>Set when the run is started.</summary>
    public string WorkflowName { get; init; } = "";

    public bool IsMetBy(WorkflowRun run) => run.Status == Status && (ErrorCode is null || run.Error?.Code == ErrorCode);

    public override string ToString() => ErrorCode is null ? Status.ToString() : $"{Status} ({ErrorCode})";
}
