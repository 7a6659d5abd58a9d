namespace World;

/// <summary>
/// The reserved run attributes that record which run started which. The runtime stamps them on child runs; reads
/// filter by them (<see cref="RunQuery.ParentRunId"/>).
/// </summary>
public static class RunLineage
{
    /// <summary>On a child run: the run that started it.</summary>
    public const string ParentRunId = "$parentRunId";

    /// <summary>On a child run: the top of its family (a run without a parent).</summary>
    public const string RootRunId = "$rootRunId";
}
