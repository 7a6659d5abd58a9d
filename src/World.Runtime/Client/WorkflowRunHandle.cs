using System.Runtime.CompilerServices;

namespace World.Runtime;

/// <summary>A run seen from outside: its status, its result, its streams.</summary>
/// <typeparam name="TOutput">The workflow's result type.</typeparam>
public sealed class WorkflowRunHandle<TOutput>
{
    // WaitForTerminalStatusAsync is called in slices so that an infinite wait needs no special timeout value.
    private static readonly TimeSpan WaitSlice = TimeSpan.FromMinutes(1);

    private readonly WorkflowClient _client;

    internal WorkflowRunHandle(WorkflowClient client, string runId)
    {
        _client = client;
        RunId = runId;
    }

    /// <summary>The run id.</summary>
    public string RunId { get; }

    /// <summary>The run as stored now.</summary>
    public Task<WorkflowRun> GetRunAsync(CancellationToken cancellationToken = default) =>
        _client.World.Runs.GetAsync(RunId, ReadOptions.Default, cancellationToken);

    /// <summary>Waits for the run to end and returns its result.</summary>
    /// <param name="timeout">How long to wait; null waits until <paramref name="cancellationToken"/> is cancelled.</param>
    /// <param name="cancellationToken">Stops waiting (the run goes on).</param>
    /// <exception cref="WorkflowFailedException">The run failed.</exception>
    /// <exception cref="WorkflowCancelledException">The run was cancelled.</exception>
    /// <exception cref="TimeoutException">The run did not end within <paramref name="timeout"/>.</exception>
    public async Task<TOutput> GetResultAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var run = await WaitForEndAsync(timeout, cancellationToken).ConfigureAwait(false);
        return run.Status switch
        {
            RunStatus.Completed => _client.Serializer.Deserialize<TOutput>(run.Output ?? ReadOnlyMemory<byte>.Empty),
            RunStatus.Failed => throw new WorkflowFailedException(RunId, run.Error ?? new StructuredError("The run failed without an error.")),
            RunStatus.Cancelled => throw new WorkflowCancelledException(RunId),
            _ => throw new TimeoutException($"Run {RunId} is still {run.Status} after {timeout}."),
        };
    }

    /// <summary>Cancels the run.</summary>
    public Task CancelAsync(CancellationToken cancellationToken = default) => _client.CancelAsync(RunId, cancellationToken);

    /// <summary>Reads one of the run's streams from the start, live until it is closed, deserializing each chunk.</summary>
    public async IAsyncEnumerable<T> ReadStreamAsync<T>(string? streamName = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var chunk in _client.World.Streams.ReadAsync(RunId, streamName ?? WorkflowStreams.Default, 0, cancellationToken).ConfigureAwait(false))
        {
            yield return _client.Serializer.Deserialize<T>(chunk);
        }
    }

    private async Task<WorkflowRun> WaitForEndAsync(TimeSpan? timeout, CancellationToken cancellationToken)
    {
        if (timeout is { } limit)
        {
            return await _client.World.Runs.WaitForTerminalStatusAsync(RunId, limit, ReadOptions.Default, cancellationToken).ConfigureAwait(false);
        }

        while (true)
        {
            var run = await _client.World.Runs.WaitForTerminalStatusAsync(RunId, WaitSlice, ReadOptions.Default, cancellationToken).ConfigureAwait(false);
            if (run.Status.IsTerminal())
            {
                return run;
            }
        }
    }
}
