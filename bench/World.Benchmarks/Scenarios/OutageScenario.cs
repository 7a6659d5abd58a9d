using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using World.Benchmarks.Load;
using World.Postgres.Testing;
using World.Queue;
using World.Runtime;

namespace World.Benchmarks.Scenarios;

/// <summary>
/// Measured recovery after database faults. Closed-loop clients keep runs of <see cref="SoakWorkflow"/> flowing
/// through an in-process <see cref="WorkflowWorker"/> (client and worker share one World, as in an application that
/// hosts both); after a steady period one fault is injected into the server this runner started:
/// <c>pg_ctl restart -m fast</c>; <c>pg_ctl stop -m immediate</c>, 10 s down, start; <c>pg_terminate_backend</c> of
/// every World connection. Each fault runs under a short lease (5 s, heartbeat 1 s) and the default one (30 s, 10 s).
/// Measured: time from the database being available again to the first completed run and to 90 % of the pre-fault
/// rate; runs lost and failed (both must be 0); extra step executions.
/// </summary>
internal static class OutageScenario
{
    /// <summary>The World's pool: the worker's invocations and claims plus the clients' starts.</summary>
    public const int WorldPoolSize = 50;

    private static readonly TimeSpan StopDowntime = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RecoveryWindow = TimeSpan.FromSeconds(1);

    private enum Fault
    {
        RestartFast,
        StopImmediate,
        TerminateConnections,
    }

    public static async Task<ScenarioReport> RunAsync(Backend backend, RunnerOptions options)
    {
        var server = backend.Server ?? throw new InvalidOperationException("The outage scenario needs a server it started itself.");
        var raw = backend.Raw ?? throw new InvalidOperationException("The outage scenario runs on PostgreSQL only.");
        var clients = options.ConcurrencyOverride ?? 16;
        var results = new List<FaultRecovery>();
        var accounted = new HashSet<string>(StringComparer.Ordinal);
        (string Name, TimeSpan Lease, TimeSpan Heartbeat)[] leases =
        [
            ("lease 5 s, heartbeat 1 s", TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(1)),
            ("lease 30 s, heartbeat 10 s (default)", TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10)),
        ];
        foreach (var (leaseName, lease, heartbeat) in leases)
        {
            var ledger = new StepLedger { TrackExecutions = true };
            await using var services = BuildRuntime(backend.World, ledger, clients, lease, heartbeat);
            var worker = services.GetRequiredService<WorkflowWorker>();
            var client = services.GetRequiredService<IWorkflowClient>();
            await worker.StartAsync(CancellationToken.None).ConfigureAwait(false);
            foreach (var fault in Enum.GetValues<Fault>())
            {
                Console.WriteLine($"  {Describe(fault)}, {leaseName}, {clients} clients: {options.Duration.TotalSeconds:N0} s steady load, then the fault");
                var result = await RunPhaseAsync(server, raw, backend.Schema!, client, worker, ledger, fault, leaseName, lease, clients, options.Duration, accounted).ConfigureAwait(false);
                results.Add(result);
                Console.WriteLine(
                    $"    pre-fault {result.PreFaultRunsPerSecond:N1} runs/s; unavailable {result.UnavailableSeconds:N2} s; first completion {Seconds(result.FirstCompletionSeconds)}; 90 % rate {Seconds(result.Recovered90Seconds)}; " +
                    $"runs {result.RunsStarted} started, {result.RunsCompleted} completed, {result.RunsFailed} failed, {result.RunsLost} lost; start calls failed {result.StartCallsFailed} (stranded {result.RunsStrandedByFailedStarts}); " +
                    $"extra step executions {result.ExtraStepExecutions}; terminated {result.ConnectionsTerminated}; health worst {result.WorstHealth}, circuit {(result.CircuitOpened ? "opened" : "stayed closed")}; worker {(result.WorkerAlive ? "alive" : "DEAD")}");
            }

            await worker.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }

        var checks = await WithRetryAsync(() => EndChecks.ReadAsync(raw, backend.Schema!, new WorkflowRuntimeOptions().QueueName, [])).ConfigureAwait(false);
        checks["runs lost (all phases)"] = results.Sum(static r => r.RunsLost);
        checks["runs failed (all phases)"] = results.Sum(static r => r.RunsFailed);
        checks["workers dead"] = results.Count(static r => !r.WorkerAlive);
        foreach (var (name, value) in checks)
        {
            Console.WriteLine($"  check {name}: {value:N0}");
        }

        var measurements = results.Select(static r => new Measurement($"{r.Fault}, {r.Lease}", 0, r.RunsCompleted, 0, "run", new LatencySummary(0, 0, 0, 0, 0))).ToList();
        // Recovery times are seconds, not ratios: they are in Faults, one entry per fault and lease setting.
        var ratios = new Dictionary<string, double>();
        return new ScenarioReport("outage", backend.Kind, DateTimeOffset.UtcNow, backend.Machine, measurements, ratios) { Checks = checks, Faults = results };
    }

    private static async Task<FaultRecovery> RunPhaseAsync(
        PostgresTestServer server,
        NpgsqlDataSource raw,
        string schema,
        IWorkflowClient client,
        WorkflowWorker worker,
        StepLedger ledger,
        Fault fault,
        string leaseName,
        TimeSpan lease,
        int clients,
        TimeSpan steady,
        HashSet<string> accounted)
    {
        ledger.ForgetExecutions();
        var extraBefore = ledger.ExtraExecutions;
        var completions = new ConcurrentQueue<long>();
        var runs = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        long failed = 0, startFailures = 0, seed = 0;
        using var stopStarting = new CancellationTokenSource();
        using var drainDeadline = new CancellationTokenSource();
        using var stopWatching = new CancellationTokenSource();

        var worst = QueueProcessorState.Healthy;
        var circuitOpened = false;
        var watching = Task.Run(async () =>
        {
            while (!stopWatching.IsCancellationRequested)
            {
                if (worker.Health is { } health)
                {
                    worst = health.State > worst ? health.State : worst;
                    circuitOpened |= health.CircuitOpen;
                }

                await Task.Delay(50, CancellationToken.None).ConfigureAwait(false);
            }
        });

        var loops = Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            while (!stopStarting.IsCancellationRequested)
            {
                WorkflowRunHandle<int> handle;
                try
                {
                    handle = await client.StartAsync<SoakWorkflow, SoakInput, int>(new SoakInput((int)(Interlocked.Increment(ref seed) % 3), null)).ConfigureAwait(false);
                }
#pragma warning disable CA1031 // The client sees the fault, as an application would, and starts another run.
                catch (Exception)
#pragma warning restore CA1031
                {
                    Interlocked.Increment(ref startFailures);
                    await Task.Delay(100, CancellationToken.None).ConfigureAwait(false);
                    continue;
                }

                runs[handle.RunId] = false;
                while (true)
                {
                    try
                    {
                        await handle.GetResultAsync(cancellationToken: drainDeadline.Token).ConfigureAwait(false);
                        completions.Enqueue(Stopwatch.GetTimestamp());
                        runs[handle.RunId] = true;
                        break;
                    }
                    catch (WorkflowFailedException)
                    {
                        Interlocked.Increment(ref failed);
                        runs[handle.RunId] = true;
                        break;
                    }
                    catch (OperationCanceledException) when (drainDeadline.IsCancellationRequested)
                    {
                        return; // Unfinished at the deadline: counted as lost below.
                    }
#pragma warning disable CA1031 // Waiting reads the database too: while it is away, keep waiting.
                    catch (Exception)
#pragma warning restore CA1031
                    {
                        await Task.Delay(100, CancellationToken.None).ConfigureAwait(false);
                    }
                }
            }
        })).ToArray();

        await Task.Delay(steady).ConfigureAwait(false);
        var faultAt = Stopwatch.GetTimestamp();
        var terminated = 0;
        switch (fault)
        {
            case Fault.RestartFast:
                await server.RestartAsync(PostgresStopMode.Fast).ConfigureAwait(false);
                break;
            case Fault.StopImmediate:
                await server.StopAsync(PostgresStopMode.Immediate).ConfigureAwait(false);
                await Task.Delay(StopDowntime).ConfigureAwait(false);
                await server.StartAgainAsync().ConfigureAwait(false);
                break;
            case Fault.TerminateConnections:
                terminated = await WithRetryAsync(async () =>
                {
                    await using var command = raw.CreateCommand("SELECT count(pg_terminate_backend(pid))::int FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()");
                    command.Parameters.Add(new NpgsqlParameter { Value = Backend.WorldApplicationName });
                    return (int)(await command.ExecuteScalarAsync().ConfigureAwait(false))!;
                }).ConfigureAwait(false);
                break;
        }

        var availableAt = Stopwatch.GetTimestamp();
        var preFaultRate = Count(completions.ToArray(), faultAt - Ticks(RateWindow), faultAt) / RateWindow.TotalSeconds;

        // Observe until the rate is back (and a little after), or give up after three leases (a minute at least).
        var limit = TimeSpan.FromSeconds(Math.Max(60, 3 * lease.TotalSeconds));
        double? first = null, recovered = null;
        while (Stopwatch.GetElapsedTime(availableAt) < limit)
        {
            await Task.Delay(250).ConfigureAwait(false);
            var done = completions.ToArray();
            Array.Sort(done);
            first ??= done.Where(t => t >= availableAt).Select(t => (double?)Seconds(t - availableAt)).FirstOrDefault();
            recovered ??= FirstWindowAtRate(done, availableAt, Stopwatch.GetTimestamp(), 0.9 * preFaultRate);
            if (recovered is { } seconds && Stopwatch.GetElapsedTime(availableAt).TotalSeconds > seconds + 3)
            {
                break;
            }
        }

        // Drain: no new runs; every started run gets two leases and half a minute to finish.
        await stopStarting.CancelAsync().ConfigureAwait(false);
        drainDeadline.CancelAfter((2 * lease) + TimeSpan.FromSeconds(30));
        await Task.WhenAll(loops).ConfigureAwait(false);
        await stopWatching.CancelAsync().ConfigureAwait(false);
        await watching.ConfigureAwait(false);

        // Runs unfinished in the database that no client holds a handle on were created by a start call that threw.
        var unfinished = await WithRetryAsync(() => UnfinishedRunsAsync(raw, schema)).ConfigureAwait(false);
        var stranded = unfinished.Count(id => !runs.ContainsKey(id) && accounted.Add(id));
        var lost = runs.Count(static run => !run.Value);
        return new FaultRecovery(
            Describe(fault),
            leaseName,
            Math.Round(preFaultRate, 1),
            Math.Round(Seconds(availableAt - faultAt), 2),
            first is { } f ? Math.Round(f, 2) : null,
            recovered is { } r ? Math.Round(r, 2) : null,
            runs.Count,
            runs.Count(static run => run.Value) - Interlocked.Read(ref failed),
            Interlocked.Read(ref failed),
            lost,
            Interlocked.Read(ref startFailures),
            stranded,
            ledger.ExtraExecutions - extraBefore,
            terminated,
            worst.ToString(),
            circuitOpened,
            worker.ExecuteTask is { IsCompleted: false });
    }

    /// <summary>The end of the first window (starting at or after <paramref name="from"/>, every 100 ms) that reached <paramref name="rate"/>, in seconds after <paramref name="from"/>.</summary>
    private static double? FirstWindowAtRate(long[] sorted, long from, long now, double rate)
    {
        var window = Ticks(RecoveryWindow);
        for (var start = from; start + window <= now; start += Ticks(TimeSpan.FromMilliseconds(100)))
        {
            if (Count(sorted, start, start + window) >= rate * RecoveryWindow.TotalSeconds)
            {
                return Seconds(start + window - from);
            }
        }

        return null;
    }

    private static int Count(long[] timestamps, long from, long to) => timestamps.Count(t => t >= from && t < to);

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    private static double Seconds(long ticks) => (double)ticks / Stopwatch.Frequency;

    private static string Seconds(double? seconds) => seconds is { } s ? $"{s:N2} s" : "never";

    private static string Describe(Fault fault) => fault switch
    {
        Fault.RestartFast => "pg_ctl restart -m fast",
        Fault.StopImmediate => $"pg_ctl stop -m immediate, {StopDowntime.TotalSeconds:N0} s down, start",
        _ => "pg_terminate_backend of the World's connections",
    };

    private static async Task<List<string>> UnfinishedRunsAsync(NpgsqlDataSource raw, string schema)
    {
        await using var command = raw.CreateCommand($"SELECT run_id FROM \"{schema}\".runs WHERE status IN ('pending', 'running')");
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        var ids = new List<string>();
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    /// <summary>The monitor's own pooled connections break with every restart too: its queries retry a few times.</summary>
    private static async Task<T> WithRetryAsync<T>(Func<Task<T>> read)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await read().ConfigureAwait(false);
            }
            catch (NpgsqlException) when (attempt < 5)
            {
                await Task.Delay(200 * attempt).ConfigureAwait(false);
            }
        }
    }

    private static ServiceProvider BuildRuntime(IWorld world, StepLedger ledger, int concurrency, TimeSpan lease, TimeSpan heartbeat)
    {
        var services = new ServiceCollection();
        services.AddSingleton(ledger);
        var builder = services.AddWorld();
        services.AddSingleton(world);
        builder.AddWorkflow<SoakWorkflow>().AddWorkflowRuntime(o =>
        {
            o.Concurrency = concurrency;
            o.LeaseDuration = lease;
            o.HeartbeatInterval = heartbeat;
            o.RecoverOnStart = false;
        });
        return services.BuildServiceProvider();
    }
}
