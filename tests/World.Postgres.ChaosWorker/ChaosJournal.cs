using System.Globalization;
using World.Runtime;

namespace World.Postgres.ChaosWorker;

/// <summary>
/// Announces on stdout what this worker does, one line per fact, for the test that runs it: when it is ready, and
/// when each step execution starts and ends (with wall-clock times, comparable across the processes of one machine).
/// Stdout is used rather than a table because it keeps working while the database is down, read-only or killed.
/// </summary>
/// <remarks>
/// Line format (space-separated): <c>CHAOS-EXEC START|END runId stepId stepName attempt worker unixMicroseconds outcome</c>,
/// <c>CHAOS-READY worker</c>, <c>CHAOS-CRASH worker unixMicroseconds</c>. The test side parses them in
/// <c>tests/World.Postgres.Tests/Chaos/ExecutionJournal.cs</c>.
/// </remarks>
public sealed class ChaosJournal(string worker)
{
    public string Worker { get; } = worker;

    public void Ready() => Write($"CHAOS-READY {Worker}");

    public void StepStarted(StepContext step) => Write(Execution("START", step, "-"));

    public void StepEnded(StepContext step, string outcome) => Write(Execution("END", step, outcome));

    /// <summary>Announces a deliberate crash, so the test can tell it from a worker dying of a database error.</summary>
    public void Crashing() => Write($"CHAOS-CRASH {Worker} {Now()}");

    private string Execution(string phase, StepContext step, string outcome) =>
        $"CHAOS-EXEC {phase} {step.RunId} {step.StepId} {step.StepName} {step.Attempt.ToString(CultureInfo.InvariantCulture)} {Worker} {Now()} {outcome}";

    private static string Now() =>
        ((DateTimeOffset.UtcNow.Ticks - DateTimeOffset.UnixEpoch.Ticks) / 10).ToString(CultureInfo.InvariantCulture);

    // Console.Out is synchronized and flushes every line, so a line written before a SIGKILL reaches the test.
    private static void Write(string line) => Console.Out.WriteLine(line);
}
