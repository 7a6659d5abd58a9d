namespace World.Postgres.Tests.Chaos;

/// <summary>
/// The worker processes of one scenario. Names are w1, w2, … in start order. Optionally acts as the process
/// supervisor a deployment has (systemd, Kubernetes): a worker that crashed on purpose (a poison workflow) is
/// replaced by a new one with the same code version. A worker that died of anything else is never replaced: the
/// invariant checker reports it.
/// </summary>
internal sealed class WorkerFleet : IAsyncDisposable
{
    private static readonly TimeSpan ColdStartAftermath = TimeSpan.FromSeconds(4);

    private readonly ChaosEnvironment _environment;
    private readonly Lock _gate = new();
    private readonly List<WorkerProcess> _workers = [];
    private readonly HashSet<WorkerProcess> _replaced = [];
    private readonly CancellationTokenSource _stop = new();
    private Task? _supervisor;
    private int _next;

    public WorkerFleet(ChaosEnvironment environment)
    {
        _environment = environment;
    }

    /// <summary>Every worker started so far, dead or alive.</summary>
    public IReadOnlyList<WorkerProcess> All
    {
        get
        {
            lock (_gate)
            {
                return _workers.ToArray();
            }
        }
    }

    public IReadOnlyList<WorkerProcess> Alive => All.Where(w => w.IsAlive).ToArray();

    /// <summary>Whether no worker is running and none is about to be started to replace a crashed one.</summary>
    public bool AllDown => Alive.Count == 0 && _supervisor is null;

    public async Task<WorkerProcess> StartAsync(WorkerSpec spec, CancellationToken cancellationToken)
    {
        var name = $"w{Interlocked.Increment(ref _next)}";

        // A cold process on a busy two-core machine (JIT of the whole invocation path) has been seen to stall its
        // heartbeat past the short lease during its first seconds; the runtime then cancels the handler and the step runs
        // again elsewhere. Such a re-execution is explained by the start-up; an overlap never is.
        var coldStart = _environment.Faults.Begin($"cold start of {name}");
        var worker = await WorkerProcess.StartAsync(name, spec, _environment.WorkerConnectionString(name, spec.Connection), ChaosEnvironment.Schema, _environment.Journal, _environment.Faults, cancellationToken);
        _environment.Faults.Finish(coldStart, DateTimeOffset.UtcNow + ColdStartAftermath);
        lock (_gate)
        {
            _workers.Add(worker);
        }

        return worker;
    }

    public async Task<IReadOnlyList<WorkerProcess>> StartManyAsync(int count, WorkerSpec spec, CancellationToken cancellationToken) =>
        await Task.WhenAll(Enumerable.Range(0, count).Select(_ => StartAsync(spec, cancellationToken)));

    /// <summary>SIGKILLs <paramref name="worker"/> and starts a replacement with the same code version.</summary>
    public async Task<WorkerProcess> KillAndReplaceAsync(WorkerProcess worker, string why, CancellationToken cancellationToken)
    {
        await worker.KillAsync(why);
        return await StartAsync(worker.Spec, cancellationToken);
    }

    /// <summary>From now on, replaces every worker that exits after announcing a deliberate crash.</summary>
    public void ReplaceDeliberateCrashes() => _supervisor ??= Task.Run(SuperviseAsync);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_supervisor is not null)
        {
            await _supervisor;
        }

        foreach (var worker in All)
        {
            await worker.DisposeAsync();
        }

        _stop.Dispose();
    }

    private async Task SuperviseAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            foreach (var crashed in All.Where(w => !w.IsAlive && !_replaced.Contains(w)))
            {
                _replaced.Add(crashed);
                await crashed.WaitForExitAsync(_stop.Token); // Reads its last lines: the crash announcement among them.
                if (crashed.AnnouncedCrash)
                {
                    try
                    {
                        await StartAsync(crashed.Spec, _stop.Token);
                    }
                    catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                    {
                        return;
                    }
                }
            }

            try
            {
                await Task.Delay(100, _stop.Token);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
        }
    }
}
