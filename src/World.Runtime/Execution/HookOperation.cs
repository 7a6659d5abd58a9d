namespace World.Runtime.Execution;

/// <summary>A hook: its creation, the payloads replayed so far, and its disposal.</summary>
internal sealed class HookOperation(string id, string? requestedToken, ReadOnlyMemory<byte>? metadata) : Operation(id)
{
    private readonly TaskCompletionSource _creation = new();
    private readonly TaskCompletionSource _disposal = new();
    private readonly List<ReadOnlyMemory<byte>> _received = [];
    private readonly Queue<TaskCompletionSource<ReadOnlyMemory<byte>>> _waiters = new();
    private int _consumed;

    public string? RequestedToken { get; } = requestedToken;

    public ReadOnlyMemory<byte>? Metadata { get; } = metadata;

    /// <summary>The token, once <c>hook_created</c> is replayed.</summary>
    public string? Token { get; private set; }

    public bool Created => Token is not null;

    public bool Conflicted => _creation.Task.IsFaulted;

    public bool DisposeRequested { get; set; }

    public bool Disposed => _disposal.Task.IsCompleted;

    public Task Creation => _creation.Task;

    public Task Disposal => _disposal.Task;

    public void MarkCreated(string token)
    {
        Token = token;
        _creation.TrySetResult();
    }

    public void MarkConflict(string token, string conflictingRunId) =>
        _creation.TrySetException(new HookConflictException(token, conflictingRunId));

    public void MarkDisposed() => _disposal.TrySetResult();

    /// <summary>Asks for <c>hook_disposed</c> at the next round; completes when it is replayed.</summary>
    public Task RequestDisposal()
    {
        if (!Created)
        {
            return Task.CompletedTask;
        }

        DisposeRequested = true;
        return Disposal;
    }

    /// <summary>A payload from the log: to the oldest waiting reader, or buffered for the next one.</summary>
    public void Deliver(ReadOnlyMemory<byte> payload)
    {
        _received.Add(payload);
        if (_waiters.TryDequeue(out var waiter))
        {
            waiter.TrySetResult(_received[_consumed++]);
        }
    }

    public Task<ReadOnlyMemory<byte>> NextPayloadAsync()
    {
        if (_consumed < _received.Count)
        {
            return Task.FromResult(_received[_consumed++]);
        }

        var waiter = new TaskCompletionSource<ReadOnlyMemory<byte>>();
        _waiters.Enqueue(waiter);
        return waiter.Task;
    }

    public override bool IsPending =>
        (!Created && !Conflicted) || _waiters.Count > 0 || (DisposeRequested && !Disposed);

    public override string Describe() => "hook";
}
