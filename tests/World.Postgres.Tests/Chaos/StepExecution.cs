namespace World.Postgres.Tests.Chaos;

/// <summary>One execution of a step body as a worker announced it: who ran which attempt, from when to when, and how it ended.</summary>
internal sealed record StepExecution(string RunId, string StepId, string StepName, int Attempt, string Worker, DateTimeOffset Started)
{
    /// <summary>When the body ended, or null when its end was never announced (the worker died, or it still runs).</summary>
    public DateTimeOffset? Ended { get; init; }

    /// <summary><c>ok</c>, <c>cancelled</c>, or null while unannounced.</summary>
    public string? Outcome { get; init; }

    public override string ToString() =>
        $"{StepName} attempt {Attempt} on {Worker} {Started:HH:mm:ss.fff}–{(Ended is { } ended ? ended.ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture) : "?")} ({Outcome ?? "no end"})";
}
