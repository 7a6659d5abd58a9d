using System.Globalization;
using System.Text;
using Npgsql;

namespace World.Postgres.Tests.Chaos;

/// <summary>
/// The end-of-scenario checker. Waits until every run the scenario started has ended (or the completion timeout
/// passes, or every worker is gone), then checks, against the database, the workers' journal and the fault log:
/// <list type="bullet">
/// <item>every run ended as expected (no message lost: completed, or failed with the code that explains it);</item>
/// <item>no run is stranded (unfinished with no live invocation message, no pending sleep and no live hook), and no
/// invocation of an unfailed run sits in the dead letters;</item>
/// <item>no two executions of one step overlapped in time;</item>
/// <item>every extra execution of a step (a second execution, or a first one with attempt &gt; 1) is explained by a
/// fault injected while the previous one ran, and no two executions claimed the same attempt;</item>
/// <item>every step the database records as completed has a finished execution in the journal;</item>
/// <item>no worker process died of anything but the test's own SIGKILL/SIGTERM or a deliberate poison crash.</item>
/// </list>
/// Failures list the runs, steps, executions and workers concerned.
/// </summary>
internal sealed class WorldInvariants(ChaosEnvironment environment)
{
    private const int ShownPerProblem = 12;

    /// <summary>Waits for the scenario's runs to end and asserts every invariant; the report goes to the test output too.</summary>
    public async Task AssertHoldAsync(CancellationToken cancellationToken)
    {
        var expectations = environment.Expectations;
        Assert.NotEmpty(expectations);
        var runs = await WaitForRunsToEndAsync(expectations.Keys.ToArray(), cancellationToken);
        var problems = new List<string>();

        await CheckRunsAsync(expectations, runs, problems, cancellationToken);
        await CheckDeadLettersAsync(runs, problems, cancellationToken);
        CheckExecutions(expectations, problems);
        await CheckCompletedStepsAsync(runs, problems, cancellationToken);
        CheckWorkers(problems);

        var summary = Summary(expectations, runs);
        TestContext.Current.TestOutputHelper?.WriteLine(summary);
        if (problems.Count > 0)
        {
            var logs = string.Join(Environment.NewLine, environment.Workers.All.Select(w => "  " + w.Describe()));
            Assert.Fail($"{problems.Count} invariant violation(s):{Environment.NewLine}- {string.Join(Environment.NewLine + "- ", problems)}{Environment.NewLine}{summary}worker logs (latest lines):{Environment.NewLine}{logs}");
        }
    }

    private async Task<IReadOnlyDictionary<string, WorkflowRun>> WaitForRunsToEndAsync(IReadOnlyList<string> runIds, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + ChaosSettings.CompletionTimeout;
        DateTimeOffset? hopelessSince = null;
        while (true)
        {
            var runs = await ReadRunsAsync(runIds, cancellationToken);
            if (runs.Values.All(r => r.Status.IsTerminal()) || DateTimeOffset.UtcNow > deadline)
            {
                return runs;
            }

            // With every worker dead, or every unfinished run stranded, nothing can move any more: report now rather
            // than at the timeout (the stranded state must last, as a run is briefly without a message between steps).
            if (environment.Workers.AllDown || await AllUnfinishedStrandedAsync(runs, cancellationToken))
            {
                hopelessSince ??= DateTimeOffset.UtcNow;
                if (DateTimeOffset.UtcNow - hopelessSince > TimeSpan.FromSeconds(10))
                {
                    return runs;
                }
            }
            else
            {
                hopelessSince = null;
            }

            await Task.Delay(250, cancellationToken);
        }
    }

    private async Task<bool> AllUnfinishedStrandedAsync(IReadOnlyDictionary<string, WorkflowRun> runs, CancellationToken cancellationToken)
    {
        var unfinished = runs.Values.Where(r => !r.Status.IsTerminal()).Select(r => r.RunId).ToArray();
        var schema = ChaosEnvironment.Schema;
        var withWaker = await QueryAsync(
            $"""
            SELECT count(*) FROM unnest($1::text[]) AS r(run_id)
            WHERE EXISTS (SELECT 1 FROM {schema}.queue_messages m WHERE m.idempotency_key = r.run_id)
               OR EXISTS (SELECT 1 FROM {schema}.waits w WHERE w.run_id = r.run_id AND w.status = 'waiting')
               OR EXISTS (SELECT 1 FROM {schema}.hooks h WHERE h.run_id = r.run_id)
            """,
            unfinished,
            r => r.GetInt64(0),
            cancellationToken);
        return withWaker[0] == 0;
    }

    private async Task<IReadOnlyDictionary<string, WorkflowRun>> ReadRunsAsync(IReadOnlyList<string> runIds, CancellationToken cancellationToken)
    {
        var runs = new Dictionary<string, WorkflowRun>(StringComparer.Ordinal);
        foreach (var chunk in runIds.Chunk(PageRequest.MaxLimit))
        {
            var page = await TransientRetryAsync(() => environment.World.Runs.GetManyAsync(chunk, ReadOptions.WithoutData, cancellationToken), cancellationToken);
            foreach (var run in page)
            {
                if (run is not null)
                {
                    runs[run.RunId] = run;
                }
            }
        }

        return runs;
    }

    private async Task CheckRunsAsync(IReadOnlyDictionary<string, RunExpectation> expectations, IReadOnlyDictionary<string, WorkflowRun> runs, List<string> problems, CancellationToken cancellationToken)
    {
        var missing = expectations.Keys.Where(id => !runs.ContainsKey(id)).ToArray();
        Report(problems, "runs the scenario started are missing from the database (lost)", missing);

        var unexpected = runs.Values.Where(r => r.Status.IsTerminal() && !expectations[r.RunId].IsMetBy(r))
            .Select(r => $"{r.RunId} ({r.WorkflowName}) ended {r.Status}{(r.Error is { } e ? $" {e.Code}: {e.Message}" : "")}, expected {expectations[r.RunId]}")
            .ToArray();
        Report(problems, "runs ended otherwise than expected", unexpected);

        var unfinished = runs.Values.Where(r => !r.Status.IsTerminal()).ToArray();
        if (unfinished.Length == 0)
        {
            return;
        }

        var stranded = new List<string>();
        var stuck = new List<string>();
        foreach (var run in unfinished)
        {
            var state = await DescribeUnfinishedAsync(run, cancellationToken);
            (state.Stranded ? stranded : stuck).Add($"{run.RunId} ({run.WorkflowName}, {run.Status}): {state.Description}");
        }

        Report(problems, "runs are stranded: unfinished with no live invocation message, no pending sleep and no live hook", stranded);
        Report(problems, $"runs did not end within {ChaosSettings.CompletionTimeout.TotalSeconds:0} s although something could still wake them", stuck);
    }

    private async Task<(bool Stranded, string Description)> DescribeUnfinishedAsync(WorkflowRun run, CancellationToken cancellationToken)
    {
        var message = await QueryAsync(
            $"SELECT attempt, failures, lease_owner, lease_expires_at, available_at FROM {ChaosEnvironment.Schema}.queue_messages WHERE idempotency_key = $1",
            run.RunId,
            r => $"message attempt {r.GetInt32(0)}, failures {r.GetInt32(1)}, " + (r.IsDBNull(2) ? $"available at {r.GetDateTime(4):HH:mm:ss.fff}" : $"leased by {r.GetString(2)} until {r.GetDateTime(3):HH:mm:ss.fff}"),
            cancellationToken);
        var sleeps = await QueryAsync($"SELECT resume_at FROM {ChaosEnvironment.Schema}.waits WHERE run_id = $1 AND status = 'waiting'", run.RunId, r => $"sleep until {r.GetDateTime(0):HH:mm:ss.fff}", cancellationToken);
        var hooks = await QueryAsync($"SELECT hook_id FROM {ChaosEnvironment.Schema}.hooks WHERE run_id = $1", run.RunId, r => $"hook {r.GetString(0)}", cancellationToken);
        var buried = await QueryAsync($"SELECT failures FROM {ChaosEnvironment.Schema}.dead_letters WHERE idempotency_key = $1", run.RunId, r => $"its invocation is in the dead letters after {r.GetInt32(0)} failures", cancellationToken);
        var wakers = message.Concat(sleeps).Concat(hooks).ToArray();
        var description = string.Join("; ", wakers.Concat(buried).DefaultIfEmpty("no message, sleep, hook or dead letter"));
        return (wakers.Length == 0, description);
    }

    private async Task CheckDeadLettersAsync(IReadOnlyDictionary<string, WorkflowRun> runs, List<string> problems, CancellationToken cancellationToken)
    {
        var buried = await QueryAsync(
            $"SELECT idempotency_key, failures FROM {ChaosEnvironment.Schema}.dead_letters WHERE idempotency_key IS NOT NULL",
            null,
            r => (RunId: r.GetString(0), Failures: r.GetInt32(1)),
            cancellationToken);
        Report(
            problems,
            "invocations were dead-lettered while their run did not fail (the run can never be finished by a worker)",
            buried.Where(b => runs.TryGetValue(b.RunId, out var run) && run.Status != RunStatus.Failed).Select(b => $"{b.RunId} ({runs[b.RunId].Status}) after {b.Failures} failures"));
    }

    private void CheckExecutions(IReadOnlyDictionary<string, RunExpectation> expectations, List<string> problems)
    {
        var journal = environment.Journal.Snapshot();
        Report(problems, "journal lines could not be read", environment.Journal.Problems);
        var workers = environment.Workers.All.ToDictionary(w => w.Name, StringComparer.Ordinal);

        // An execution that never announced its end ended when its process did; one on a live worker is still running.
        var executions = journal.Where(e => expectations.ContainsKey(e.RunId)).Select(e => e.Ended is null && workers.TryGetValue(e.Worker, out var w) && w.ExitedAt is { } exited
            ? e with { Ended = exited, Outcome = "worker died" }
            : e).ToArray();
        Report(problems, "step executions never ended although their worker is alive (blocked step or a lost journal line)", executions.Where(e => e.Ended is null).Select(e => $"{e.RunId} {e}"));

        var overlaps = new List<string>();
        var unexplained = new List<string>();
        var duplicateAttempts = new List<string>();
        foreach (var step in executions.GroupBy(e => (e.RunId, e.StepId)))
        {
            var ordered = step.OrderBy(e => e.Started).ToArray();
            for (var i = 0; i < ordered.Length; i++)
            {
                for (var j = i + 1; j < ordered.Length; j++)
                {
                    if (ordered[j].Started < (ordered[i].Ended ?? DateTimeOffset.MaxValue))
                    {
                        overlaps.Add($"{step.Key.RunId}: {ordered[i]} overlaps {ordered[j]}");
                    }
                }

                if (ordered.Take(i).Any(e => e.Attempt == ordered[i].Attempt))
                {
                    duplicateAttempts.Add($"{step.Key.RunId}: {string.Join(", ", ordered.Where(e => e.Attempt == ordered[i].Attempt))}");
                }

                // A re-execution needs a fault between the previous execution's start and its own; a first execution with
                // attempt > 1 (an attempt started and lost before its body announced itself) a fault before it.
                var from = i > 0 ? ordered[i - 1].Started : DateTimeOffset.MinValue;
                if ((i > 0 || ordered[i].Attempt > 1) && environment.Faults.During(from, ordered[i].Started).Count == 0)
                {
                    unexplained.Add($"{step.Key.RunId}: {(i > 0 ? $"{ordered[i - 1]} then " : "")}{ordered[i]} with no fault injected in between");
                }
            }
        }

        Report(problems, "executions of one step overlapped in time (a redelivery ran while the previous execution was still running)", overlaps);
        Report(problems, "step re-executions are not explained by any injected fault", unexplained);
        Report(problems, "two executions of one step claimed the same attempt", duplicateAttempts);
    }

    private async Task CheckCompletedStepsAsync(IReadOnlyDictionary<string, WorkflowRun> runs, List<string> problems, CancellationToken cancellationToken)
    {
        var finished = environment.Journal.Snapshot().Where(e => e.Outcome == "ok").Select(e => (e.RunId, e.StepId)).ToHashSet();
        var completed = await QueryAsync(
            $"SELECT run_id, step_id, step_name, attempt FROM {ChaosEnvironment.Schema}.steps WHERE status = 'completed' AND run_id = ANY($1)",
            runs.Keys.ToArray(),
            r => (RunId: r.GetString(0), StepId: r.GetString(1), Name: r.GetString(2), Attempt: r.GetInt32(3)),
            cancellationToken);
        Report(
            problems,
            "steps are completed in the database without any finished execution in the journal",
            completed.Where(s => !finished.Contains((s.RunId, s.StepId))).Select(s => $"{s.RunId} {s.Name} ({s.StepId}, attempt {s.Attempt})"));
    }

    private void CheckWorkers(List<string> problems) =>
        Report(problems, "worker processes died of something other than the test (a worker must survive every database error)", environment.Workers.All.Where(w => w.DiedUnexpectedly).Select(w => w.Describe()));

    private string Summary(IReadOnlyDictionary<string, RunExpectation> expectations, IReadOnlyDictionary<string, WorkflowRun> runs)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Chaos summary (soak factor {ChaosSettings.Factor}):");
        foreach (var group in runs.Values.GroupBy(r => (r.WorkflowName, r.Status, r.Error?.Code)).OrderBy(g => g.Key.WorkflowName, StringComparer.Ordinal))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  runs {group.Key.WorkflowName}: {group.Count()} {group.Key.Status}{(group.Key.Code is { } code ? $" ({code})" : "")}");
        }

        var journal = environment.Journal.Snapshot().Where(e => expectations.ContainsKey(e.RunId)).ToArray();
        text.AppendLine(CultureInfo.InvariantCulture, $"  step executions: {journal.Length}, re-executions: {journal.Length - journal.Select(e => (e.RunId, e.StepId)).Distinct().Count()}");
        text.AppendLine("  faults:");
        foreach (var fault in environment.Faults.Snapshot())
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"    {fault}");
        }

        text.AppendLine("  workers:");
        foreach (var worker in environment.Workers.All)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"    {worker.Describe().Split(Environment.NewLine)[0]}");
        }

        return text.ToString();
    }

    private async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? parameter, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken) =>
        await TransientRetryAsync(async () =>
        {
            await using var command = environment.Admin.CreateCommand(sql);
            if (parameter is not null)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = parameter });
            }

            var rows = new List<T>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(read(reader));
            }

            return (IReadOnlyList<T>)rows;
        }, cancellationToken);

    /// <summary>The checker's own connections may have been broken by the scenario's faults: a few retries.</summary>
    private static async Task<T> TransientRetryAsync<T>(Func<Task<T>> read, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await read();
            }
            catch (Exception exception) when (attempt < 5 && exception is WorldTransientException or NpgsqlException { IsTransient: true })
            {
                await Task.Delay(500, cancellationToken);
            }
        }
    }

    private static void Report(List<string> problems, string what, IEnumerable<string> cases)
    {
        var all = cases.ToArray();
        if (all.Length > 0)
        {
            problems.Add($"{all.Length} {what}:{Environment.NewLine}    {string.Join(Environment.NewLine + "    ", all.Take(ShownPerProblem))}{(all.Length > ShownPerProblem ? $"{Environment.NewLine}    … and {all.Length - ShownPerProblem} more" : "")}");
        }
    }
}
