namespace World.Runtime;

/// <summary>The reserved run attributes that record which run started which (the same keys as <see cref="RunLineage"/>).</summary>
public static class LineageAttributes
{
    /// <summary>On a child run: the run that started it.</summary>
    public const string ParentRunId = RunLineage.ParentRunId;

    /// <summary>On a child run: the top of its family (a run without a parent).</summary>
    public const string RootRunId = RunLineage.RootRunId;
}
