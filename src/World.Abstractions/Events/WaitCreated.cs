namespace World;

/// <summary><c>wait_created</c>: creates a waiting wait (a durable sleep until <see cref="ResumeAt"/>).</summary>
/// <param name="ResumeAt">When the sleep elapses.</param>
public sealed record WaitCreated(DateTimeOffset ResumeAt) : EventData(EventType.WaitCreated)
{
    /// <inheritdoc />
    public override EventData WithoutPayload() => this;
}
