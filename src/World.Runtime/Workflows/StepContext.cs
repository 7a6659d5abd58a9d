namespace World.Runtime;

/// <summary>What a step body knows about itself, and the run's streams it may write to.</summary>
public sealed class StepContext
{
    private readonly IWorldStreams _streams;
    private readonly IWorkflowSerializer _serializer;

    internal StepContext(string runId, string stepId, string stepName, int attempt, IWorldStreams streams, IWorkflowSerializer serializer, CancellationToken cancellationToken)
    {
        RunId = runId;
        StepId = stepId;
        StepName = stepName;
        Attempt = attempt;
        _streams = streams;
        _serializer = serializer;
        CancellationToken = cancellationToken;
    }

    /// <summary>The run.</summary>
    public string RunId { get; }

    /// <summary>The step's id (stable across attempts; usable as an idempotency key towards other systems).</summary>
    public string StepId { get; }

    /// <summary>The step's name.</summary>
    public string StepName { get; }

    /// <summary>This attempt, from 1.</summary>
    public int Attempt { get; }

    /// <summary>Cancelled when the worker stops or loses the run's lease.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Appends a serialized value to one of the run's streams (the default stream when <paramref name="streamName"/> is null).</summary>
    public Task WriteAsync<T>(T value, string? streamName = null) =>
        _streams.WriteAsync(RunId, streamName ?? WorkflowStreams.Default, _serializer.Serialize(value), CancellationToken);

    /// <summary>Closes one of the run's streams.</summary>
    public Task CloseStreamAsync(string? streamName = null) =>
        _streams.CloseAsync(RunId, streamName ?? WorkflowStreams.Default, CancellationToken);
}
