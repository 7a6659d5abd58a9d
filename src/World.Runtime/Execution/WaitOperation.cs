namespace World.Runtime.Execution;

/// <summary>A durable sleep.</summary>
internal sealed class WaitOperation(string id, DateTimeOffset resumeAt) : Operation(id)
{
    private readonly TaskCompletionSource _elapsed = new();

    /// <summary>The requested time until <c>wait_created</c> is replayed, then the recorded one.</summary>
    public DateTimeOffset ResumeAt { get; set; } = resumeAt;

    public bool Created { get; set; }

    public bool Completed => _elapsed.Task.IsCompleted;

    public Task Elapsed => _elapsed.Task;

    public void Complete() => _elapsed.TrySetResult();

    public override bool IsPending => !Completed;

    public override string Describe() => "sleep";
}
