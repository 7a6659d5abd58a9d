namespace World;

/// <summary><c>run_cancelled</c>: cancels a pending or running run; idempotent on a cancelled run.</summary>
/// <param name="CancelReason">An optional plaintext reason, at most 512 characters.</param>
public sealed record RunCancelled(string? CancelReason = null) : EventData(EventType.RunCancelled)
{
    /// <inheritdoc />
    public override EventData WithoutPayload() => this;
}
