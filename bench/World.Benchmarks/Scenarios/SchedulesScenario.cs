using System.Diagnostics;
using Npgsql;
using World.Benchmarks.Load;
using World.Backends;

namespace World.Benchmarks.Scenarios;

/// <summary>
/// Fire lag: <see cref="ScheduleCount"/> enabled schedules all due at one instant, fired by several schedulers at once
/// (<c>--concurrency</c>, default 2) polling every <see cref="PollInterval"/>. A fire's lag is the time from its due
/// instant to the end of the scheduler pass that created its run. The end checks count runs and fires: exactly one run
/// per schedule, none pending.
/// </summary>
internal static class SchedulesScenario
{
    public const int ScheduleCount = 10_000;
    public const int BatchSize = 500;
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    public static async Task<ScenarioReport> RunAsync(Backend backend, RunnerOptions options)
    {
        var world = backend.World;
        var schedulers = options.ConcurrencyOverride ?? 2;

        // Every schedule has one tick at the same whole second, far enough ahead that creating them finishes first.
        var due = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 60);
        var created = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, ScheduleCount), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, token) =>
        {
            await world.Schedules.UpsertAsync(
                new ScheduleDefinition { ScheduleId = $"bench-{i:D5}", WorkflowName = "workflow//bench", Input = new byte[100], Interval = TimeSpan.FromHours(1), StartAt = due, Enabled = true, Overlap = ScheduleOverlap.AllowAll },
                token).ConfigureAwait(false);
            Interlocked.Increment(ref created);
        }).ConfigureAwait(false);
        var setupLeft = due - DateTimeOffset.UtcNow;
        Console.WriteLine($"  {created} schedules created; due in {setupLeft.TotalSeconds:F1} s");
        if (setupLeft < TimeSpan.FromSeconds(1))
        {
            throw new InvalidOperationException("Creating the schedules took longer than the lead time; the measurement would start late.");
        }

        await Task.Delay(setupLeft - TimeSpan.FromMilliseconds(500)).ConfigureAwait(false);
        var recorder = new LatencyRecorder(schedulers);
        var fired = 0;
        var duplicates = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, schedulers).Select(worker => Task.Run(async () =>
        {
            var firer = new ScheduleFirer(world, new ScheduleFirerOptions { DeploymentId = "dpl_bench", Owner = $"bench-{worker}", BatchSize = BatchSize });
            while (Volatile.Read(ref fired) < ScheduleCount && !stop.IsCancellationRequested)
            {
                var batch = await firer.FireDueAsync(stop.Token).ConfigureAwait(false);
                var now = DateTimeOffset.UtcNow;
                foreach (var fire in batch.Fires)
                {
                    recorder.RecordTicks(worker, (long)((now - fire.FireAt).TotalSeconds * Stopwatch.Frequency));
                }

                Interlocked.Add(ref fired, batch.Created);
                Interlocked.Add(ref duplicates, batch.AlreadyCreated);
                if (batch.Claimed < BatchSize)
                {
                    await Task.Delay(PollInterval, stop.Token).ConfigureAwait(false);
                }
            }
        }))).ConfigureAwait(false);
        var span = (DateTimeOffset.UtcNow - due).TotalSeconds;

        var latency = recorder.Summarize();
        Console.WriteLine($"  fired {fired} in {span:F2} s after the tick: lag p50 {latency.P50:N0} ms, p95 {latency.P95:N0} ms, p99 {latency.P99:N0} ms, max {latency.Max:N0} ms");
        var checks = new Dictionary<string, long>
        {
            ["runs created"] = fired,
            ["fires found already created"] = duplicates,
        };
        if (backend.Raw is { } raw && backend.Schema is { } schema)
        {
            checks["runs in the database"] = await CountAsync(raw, $"SELECT count(*) FROM \"{schema}\".runs").ConfigureAwait(false);
            checks["fires pending"] = await CountAsync(raw, $"SELECT count(*) FROM \"{schema}\".schedule_fires WHERE status = 0").ConfigureAwait(false);
            checks["ticks with more than one run"] = await CountAsync(raw, $"SELECT count(*) FROM (SELECT schedule_id, nominal_at FROM \"{schema}\".schedule_fires WHERE run_id IS NOT NULL GROUP BY 1, 2 HAVING count(*) > 1) AS doubled").ConfigureAwait(false);
        }

        foreach (var (name, value) in checks)
        {
            Console.WriteLine($"  check {name}: {value}");
        }

        var measurement = new Measurement($"fire lag, {ScheduleCount} schedules due at one instant", schedulers, fired, span, "run", latency);
        return new ScenarioReport("schedules", backend.Kind, DateTimeOffset.UtcNow, backend.Machine, [measurement], new Dictionary<string, double>()) { Checks = checks };
    }

    private static async Task<long> CountAsync(NpgsqlDataSource raw, string sql)
    {
        await using var command = raw.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync().ConfigureAwait(false))!;
    }
}
