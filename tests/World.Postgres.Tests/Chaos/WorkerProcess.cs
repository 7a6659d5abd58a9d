using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;

namespace World.Postgres.Tests.Chaos;

/// <summary>
/// One chaos worker process (tests/World.Postgres.ChaosWorker, started with <c>dotnet</c>): its stdout feeds the
/// journal, its stderr (logs) is kept for diagnostics, and the test can SIGKILL it or stop it gracefully. How it
/// ended tells the invariant checker whether it died of something other than the test's own doing.
/// </summary>
internal sealed class WorkerProcess : IAsyncDisposable
{
    private const int KeptErrorLines = 60;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly ConcurrentQueue<SpanRecord> _spans = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly FaultLog _faults;
    private int _killedByTest;
    private int _stopRequested;
    private int _announcedCrash;
    private int _hostStopped;

    private WorkerProcess(string name, WorkerSpec spec, Process process, FaultLog faults)
    {
        Name = name;
        Spec = spec;
        _process = process;
        _faults = faults;
    }

    public string Name { get; }

    public WorkerSpec Spec { get; }

    public int ProcessId => _process.Id;

    public bool IsAlive => !_process.HasExited;

    /// <summary>The spans it announced as they ended (only with <see cref="WorkerSpec.Trace"/>).</summary>
    public IReadOnlyCollection<SpanRecord> Spans => _spans;

    /// <summary>The test killed it (SIGKILL) or asked it to stop (SIGTERM).</summary>
    public bool EndedByTest => Volatile.Read(ref _killedByTest) == 1 || Volatile.Read(ref _stopRequested) == 1;

    /// <summary>It announced a deliberate crash (a poison workflow) before exiting.</summary>
    public bool AnnouncedCrash => Volatile.Read(ref _announcedCrash) == 1;

    /// <summary>When the process was seen to have exited, or null while it runs.</summary>
    public DateTimeOffset? ExitedAt { get; private set; }

    /// <summary>It exited of its own accord without announcing a deliberate crash: the thing a worker must never do.</summary>
    public bool DiedUnexpectedly => !IsAlive && !EndedByTest && !AnnouncedCrash;

    /// <summary>Starts a worker and waits until its host has started.</summary>
    public static async Task<WorkerProcess> StartAsync(string name, WorkerSpec spec, string connectionString, string schema, ExecutionJournal journal, FaultLog faults, CancellationToken cancellationToken)
    {
        var path = typeof(WorkerProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ChaosWorkerPath").Value!;
        Assert.True(File.Exists(path), $"the chaos worker is built at {path}");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        string[] arguments =
        [
            path,
            "--connection", connectionString,
            "--schema", schema,
            "--worker", name,
            "--workflows", string.Join(',', spec.Workflows),
            "--lease-ms", ((int)ChaosSettings.Lease.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
            "--heartbeat-ms", ((int)ChaosSettings.Heartbeat.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
            "--concurrency", spec.Concurrency.ToString(CultureInfo.InvariantCulture),
            "--max-deliveries", spec.MaxDeliveries.ToString(CultureInfo.InvariantCulture),
        ];
        foreach (var argument in spec.Trace ? [.. arguments, "--trace", "on"] : arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var worker = new WorkerProcess(name, spec, process, faults);
        process.OutputDataReceived += (_, e) => worker.OnOutput(e.Data, journal);
        process.ErrorDataReceived += (_, e) => worker.OnError(e.Data);
        process.Exited += (_, _) => worker.OnExited();
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start chaos worker {name}.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await worker._ready.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        }
        catch (Exception exception) when (exception is TimeoutException or InvalidOperationException)
        {
            await worker.DisposeAsync();
            throw new InvalidOperationException($"Chaos worker {name} did not start: {worker.Describe()}", exception);
        }

        return worker;
    }

    /// <summary>SIGKILL: the process ends at once, mid-whatever, as a machine losing power would.</summary>
    public async Task KillAsync(string why)
    {
        Interlocked.Exchange(ref _killedByTest, 1);
        _faults.Instant($"SIGKILL {Name} ({why})");
        if (IsAlive)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync(CancellationToken.None);
    }

    /// <summary>SIGTERM: the host shuts down gracefully (drains, releases its messages), as a deploy stops an old version.</summary>
    public async Task StopGracefullyAsync(CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _stopRequested, 1);
        var stop = _faults.Begin($"SIGTERM {Name} (graceful stop: its running steps may be cancelled and run again elsewhere)");
        using (var signal = Process.Start("kill", ["-TERM", ProcessId.ToString(CultureInfo.InvariantCulture)]))
        {
            await signal.WaitForExitAsync(cancellationToken);
        }

        await _process.WaitForExitAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        _faults.Finish(stop);
    }

    /// <summary>Waits until the process has exited and everything it wrote has been read.</summary>
    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    /// <summary>Name, state, exit code and the last lines of its log, for failure reports.</summary>
    public string Describe()
    {
        var state = IsAlive ? "alive"
            : $"exited with {_process.ExitCode} at {ExitedAt:HH:mm:ss.fff}" + (EndedByTest ? " (ended by the test)" : AnnouncedCrash ? " (deliberate crash)" : Volatile.Read(ref _hostStopped) == 1 ? " (its host stopped by itself)" : "");
        var log = _errors.IsEmpty ? "" : Environment.NewLine + "      " + string.Join(Environment.NewLine + "      ", _errors);
        return $"{Name} (pid {ProcessId}, {string.Join('+', Spec.Workflows)}): {state}{log}";
    }

    public async ValueTask DisposeAsync()
    {
        if (IsAlive)
        {
            Interlocked.Exchange(ref _killedByTest, 1);
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }

        _process.Dispose();
    }

    private void OnOutput(string? line, ExecutionJournal journal)
    {
        if (line is null)
        {
            return;
        }

        if (ExecutionJournal.IsExecutionLine(line))
        {
            journal.Accept(line);
        }
        else if (line.StartsWith(SpanRecord.Prefix, StringComparison.Ordinal))
        {
            _spans.Enqueue(SpanRecord.Parse(line));
        }
        else if (line.StartsWith("CHAOS-READY", StringComparison.Ordinal))
        {
            _ready.TrySetResult();
        }
        else if (line.StartsWith("CHAOS-CRASH", StringComparison.Ordinal))
        {
            Interlocked.Exchange(ref _announcedCrash, 1);
            _faults.Instant($"{Name} crashes on purpose (poison workflow)");
        }
        else if (line.StartsWith("CHAOS-STOPPED", StringComparison.Ordinal))
        {
            Interlocked.Exchange(ref _hostStopped, 1);
        }
        else
        {
            OnError(line);
        }
    }

    private void OnError(string? line)
    {
        if (line is null)
        {
            return;
        }

        _errors.Enqueue(line);
        while (_errors.Count > KeptErrorLines && _errors.TryDequeue(out _))
        {
            // Only the latest lines matter for a diagnosis.
        }
    }

    private void OnExited()
    {
        ExitedAt = DateTimeOffset.UtcNow;
        _ready.TrySetException(new InvalidOperationException($"Chaos worker {Name} exited before it was ready."));
    }
}
