using System.Globalization;

namespace World.Postgres.Tests.Chaos;

/// <summary>
/// The step executions announced by every worker process on stdout (see the worker's ChaosJournal): the record the
/// invariant checker uses to find overlapping and unexplained executions.
/// </summary>
internal sealed class ExecutionJournal
{
    private const string Prefix = "CHAOS-EXEC ";

    private readonly Lock _gate = new();
    private readonly List<StepExecution> _executions = [];
    private readonly Dictionary<(string Worker, string RunId, string StepId, int Attempt), int> _open = [];
    private readonly List<string> _problems = [];

    public static bool IsExecutionLine(string line) => line.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>Records a <c>CHAOS-EXEC START|END …</c> line; a malformed one is kept as a problem for the report.</summary>
    public void Accept(string line)
    {
        var parts = line.Split(' ');
        if (parts.Length != 9)
        {
            Problem($"unreadable journal line: {line}");
            return;
        }

        var (phase, runId, stepId, stepName, worker, outcome) = (parts[1], parts[2], parts[3], parts[4], parts[6], parts[8]);
        var attempt = int.Parse(parts[5], CultureInfo.InvariantCulture);
        var at = DateTimeOffset.UnixEpoch.AddTicks(long.Parse(parts[7], CultureInfo.InvariantCulture) * 10);
        var key = (worker, runId, stepId, attempt);
        lock (_gate)
        {
            if (phase == "START")
            {
                _open[key] = _executions.Count;
                _executions.Add(new StepExecution(runId, stepId, stepName, attempt, worker, at));
            }
            else if (_open.Remove(key, out var index))
            {
                _executions[index] = _executions[index] with { Ended = at, Outcome = outcome };
            }
            else
            {
                _problems.Add($"a journal end without its start: {line}");
            }
        }
    }

    /// <summary>Lines that could not be understood: each is an invariant violation (the record is incomplete).</summary>
    public IReadOnlyList<string> Problems
    {
        get
        {
            lock (_gate)
            {
                return _problems.ToArray();
            }
        }
    }

    private void Problem(string problem)
    {
        lock (_gate)
        {
            _problems.Add(problem);
        }
    }

    public IReadOnlyList<StepExecution> Snapshot()
    {
        lock (_gate)
        {
            return _executions.ToArray();
        }
    }

    /// <summary>The executions that started and have not ended, optionally only those of one worker.</summary>
    public IReadOnlyList<StepExecution> Running(string? worker = null)
    {
        lock (_gate)
        {
            return _open.Values.Select(i => _executions[i]).Where(e => worker is null || e.Worker == worker).ToArray();
        }
    }
}
