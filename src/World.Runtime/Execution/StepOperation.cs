namespace World.Runtime.Execution;

/// <summary>A step: its request, and its state as replayed from the log so far.</summary>
internal sealed class StepOperation(string id, string name, ReadOnlyMemory<byte> input, StepKind kind, StepOptions options) : Operation(id)
{
    private readonly TaskCompletionSource<ReadOnlyMemory<byte>> _outcome = new();

    public string Name { get; } = name;

    public ReadOnlyMemory<byte> Input { get; } = input;

    public StepKind Kind { get; } = kind;

    public StepOptions Options { get; } = options;

    /// <summary>The body (for <see cref="StepKind.Body"/>).</summary>
    public Func<StepOperation, StepContext, Task<byte[]>>? Body { get; init; }

    /// <summary>The awaited child run (for <see cref="StepKind.AwaitChild"/>).</summary>
    public string? ChildRunId { get; init; }

    public bool Created { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public StepStatus Status { get; set; } = StepStatus.Pending;

    /// <summary>Attempts started so far (count of <c>step_started</c>).</summary>
    public int Attempts { get; set; }

    public DateTimeOffset? RetryAfter { get; set; }

    public bool Settled => _outcome.Task.IsCompleted;

    public Task<ReadOnlyMemory<byte>> Outcome => _outcome.Task;

    public void Complete(ReadOnlyMemory<byte> result)
    {
        Status = StepStatus.Completed;
        _outcome.TrySetResult(result);
    }

    public void Fail(Exception error)
    {
        Status = StepStatus.Failed;
        _outcome.TrySetException(error);
    }

    public override bool IsPending => !Settled;

    public override string Describe() => $"step '{Name}'";
}
