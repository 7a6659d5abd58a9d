namespace World;

/// <summary><c>run_failed</c>: the run finished with an error.</summary>
/// <param name="Error">The error (required on create; null only on <see cref="ResolveData.None"/> reads).</param>
/// <param name="ErrorCode">A run error code such as <c>USER_ERROR</c>; stored as <see cref="StructuredError.Code"/>.</param>
public sealed record RunFailed(StructuredError? Error, string? ErrorCode = null) : EventData(EventType.RunFailed)
{
    /// <inheritdoc />
    public override EventData WithoutPayload() => this with { Error = null };
}
