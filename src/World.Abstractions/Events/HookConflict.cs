namespace World;

/// <summary>
/// <c>hook_conflict</c>: written by the World, never by callers, when <c>hook_created</c> asks for a token that
/// another live hook holds. It goes to the requesting run's log with the requested hook id as correlation id.
/// </summary>
/// <param name="Token">The contested token.</param>
/// <param name="ConflictingRunId">The run holding the token.</param>
public sealed record HookConflict(string Token, string ConflictingRunId) : EventData(EventType.HookConflict)
{
    /// <inheritdoc />
    public override EventData WithoutPayload() => this;
}
