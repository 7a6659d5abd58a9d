namespace World;

/// <summary>
/// A hook: a live point where external payloads can be delivered to a run by token. Hooks have no status:
/// an existing hook is active, a disposed hook is deleted.
/// </summary>
public sealed record Hook
{
    /// <summary>The owning run.</summary>
    public required string RunId { get; init; }

    /// <summary>The hook id, equal to the correlation id of its events.</summary>
    public required string HookId { get; init; }

    /// <summary>The secret token used to resume the hook; unique among live hooks of all runs.</summary>
    public required string Token { get; init; }

    /// <summary>Tenant owner (empty for single-tenant worlds).</summary>
    public string OwnerId { get; init; } = "";

    /// <summary>Tenant project (empty for single-tenant worlds).</summary>
    public string ProjectId { get; init; } = "";

    /// <summary>Tenant environment (empty for single-tenant worlds).</summary>
    public string Environment { get; init; } = "";

    /// <summary>Opaque metadata from <c>hook_created</c>; null when absent or not resolved.</summary>
    public ReadOnlyMemory<byte>? Metadata { get; init; }

    /// <summary>Whether the hook may be resumed through a public webhook endpoint. Absent on creation means <see langword="true"/>.</summary>
    public bool IsWebhook { get; init; } = true;

    /// <summary>When the hook was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The spec version copied from the creating event.</summary>
    public required int SpecVersion { get; init; }
}
