using World.Runtime.Execution;

namespace World.Runtime;

/// <summary>
/// A live hook of the run: payloads sent to its token arrive in order. Await one with <see cref="NextAsync"/>,
/// or iterate them with <c>await foreach</c>; dispose it to free the token before the run ends.
/// </summary>
/// <typeparam name="TPayload">The payload type.</typeparam>
public sealed class WorkflowHook<TPayload> : IAsyncEnumerable<TPayload>, IAsyncDisposable
{
    private readonly HookOperation _operation;
    private readonly WorkflowExecution _execution;

    internal WorkflowHook(HookOperation operation, WorkflowExecution execution)
    {
        _operation = operation;
        _execution = execution;
    }

    /// <summary>The hook's id.</summary>
    public string HookId => _operation.Id;

    /// <summary>The token outside callers resume the hook with.</summary>
    public string Token => _operation.Token ?? throw new InvalidOperationException("The hook has no token yet.");

    /// <summary>The next payload, in the order they were received.</summary>
    public async Task<TPayload> NextAsync()
    {
        var payload = await _operation.NextPayloadAsync();
        return _execution.Serializer.Deserialize<TPayload>(payload);
    }

    /// <summary>Frees the token; later resumes fail with a not-found error.</summary>
    public ValueTask DisposeAsync() => new(_operation.RequestDisposal());

    /// <inheritdoc />
    public async IAsyncEnumerator<TPayload> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            yield return await NextAsync();
        }
    }
}
