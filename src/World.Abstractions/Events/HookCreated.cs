namespace World;

/// <summary><c>hook_created</c>: creates a hook that holds <see cref="Token"/>; a token held by another live hook yields <c>hook_conflict</c>.</summary>
/// <param name="Token">The secret token; unique among live hooks of all runs.</param>
/// <param name="Metadata">Optional opaque metadata.</param>
public sealed record HookCreated(string Token, ReadOnlyMemory<byte>? Metadata = null) : EventData(EventType.HookCreated)
{
    /// <summary>Whether the hook is a public webhook; absent means <see langword="true"/>.</summary>
    public bool? IsWebhook { get; init; }

    /// <inheritdoc />
    public override EventData WithoutPayload() => this with { Metadata = null };
}
