using System.Text.Json;
using BenchmarkDotNet.Attributes;
using World.InMemory;
using World.Backends;
using World.Serialization;

namespace World.Benchmarks.Micro;

/// <summary>The hot paths under every backend: the rules, id minting, event JSON, and the in-memory write.</summary>
[MemoryDiagnoser]
public class HotPathBenchmarks : IAsyncDisposable
{
    private static readonly byte[] Payload = new byte[100];
    private readonly EventRules _rules = new();
    private readonly DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private PreparedEvent _stepCompleted = null!;
    private EventSnapshot _runningStep = null!;
    private WorldEvent _event = null!;
    private byte[] _eventJson = null!;
    private string _lastEventId = null!;
    private InMemoryWorld _world = null!;

    [GlobalSetup]
    public void Setup()
    {
        var runId = WorldIds.NewRunId(_now);
        _lastEventId = WorldIds.NewEventIdAfter(null, _now);
        _stepCompleted = _rules.Prepare(runId, new EventRequest(new StepCompleted(Payload), "step_1"), _now);
        var run = new WorkflowRun { RunId = runId, Status = RunStatus.Running, DeploymentId = "d", WorkflowName = "wf", SpecVersion = 4, CreatedAt = _now, UpdatedAt = _now, StartedAt = _now };
        var step = new Step { RunId = runId, StepId = "step_1", StepName = "s", Status = StepStatus.Running, Attempt = 1, CreatedAt = _now, UpdatedAt = _now, StartedAt = _now, SpecVersion = 4, Input = Payload };
        _runningStep = new EventSnapshot { Run = run, Step = step, LastEventId = _lastEventId };
        _event = new WorldEvent { RunId = runId, EventId = _lastEventId, CorrelationId = "step_1", Data = new StepCompleted(Payload), CreatedAt = _now, SpecVersion = 4 };
        _eventJson = JsonSerializer.SerializeToUtf8Bytes(_event, WorldJson.Options);
        _world = new InMemoryWorld();
    }

    [GlobalCleanup]
    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return _world.DisposeAsync();
    }

    [Benchmark]
    public EventPlan DecideStepCompleted() => _rules.Decide(_stepCompleted, _runningStep, _now).PlanOrThrow();

    [Benchmark]
    public string MintEventIdAfterPrevious() => WorldIds.NewEventIdAfter(_lastEventId, _now);

    [Benchmark]
    public byte[] SerializeEvent() => JsonSerializer.SerializeToUtf8Bytes(_event, WorldJson.Options);

    [Benchmark]
    public WorldEvent? DeserializeEvent() => JsonSerializer.Deserialize<WorldEvent>(_eventJson, WorldJson.Options);

    [Benchmark(OperationsPerInvoke = 6)]
    public Task<int> InMemoryOneStepRun() => Scenarios.EventsScenario.OneStepRunAsync(_world);
}
