namespace World;

/// <summary><c>hook_received</c>: a payload was delivered to a live hook. Repeatable.</summary>
/// <param name="Payload">The payload (required on create; null only on <see cref="ResolveData.None"/> reads).</param>
/// <param name="Token">The token used, if the caller resumed by token.</param>
public sealed record HookReceived(ReadOnlyMemory<byte>? Payload, string? Token = null) : EventData(EventType.HookReceived)
{
    /// <inheritdoc />
    public override EventData WithoutPayload() => this with { Payload = null };
}
