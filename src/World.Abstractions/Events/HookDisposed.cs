namespace World;

/// <summary><c>hook_disposed</c>: deletes the hook and frees its token at once.</summary>
/// <param name="Token">An optional echo of the token.</param>
public sealed record HookDisposed(string? Token = null) : EventData(EventType.HookDisposed)
{
    /// <inheritdoc />
    public override EventData WithoutPayload() => this;
}
