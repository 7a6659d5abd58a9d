namespace World.Runtime;

/// <summary>A child run started by a workflow.</summary>
/// <typeparam name="TOutput">The child's result type.</typeparam>
public sealed class ChildRun<TOutput>
{
    private readonly Func<Task<TOutput>> _result;

    internal ChildRun(string runId, Func<Task<TOutput>> result)
    {
        RunId = runId;
        _result = result;
    }

    /// <summary>The child's run id.</summary>
    public string RunId { get; }

    /// <summary>Durably waits for the child to end and returns its result.</summary>
    /// <exception cref="ChildWorkflowFailedException">The child failed or was cancelled.</exception>
    public Task<TOutput> GetResultAsync() => _result();
}
