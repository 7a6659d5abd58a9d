namespace World;

/// <summary><c>wait_completed</c>: completes a wait exactly once. The World never completes waits by itself.</summary>
/// <param name="ResumeAt">An optional echo of the wait's resume time.</param>
public sealed record WaitCompleted(DateTimeOffset? ResumeAt = null) : EventData(EventType.WaitCompleted)
{
    /// <inheritdoc />
    public override EventData WithoutPayload() => this;
}
