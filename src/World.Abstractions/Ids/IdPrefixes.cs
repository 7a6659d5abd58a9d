namespace World;

/// <summary>The id prefixes of the contract; each is followed by a 26-character ULID.</summary>
public static class IdPrefixes
{
    /// <summary>Workflow runs.</summary>
    public const string Run = "wrun_";

    /// <summary>Steps.</summary>
    public const string Step = "step_";

    /// <summary>Hooks.</summary>
    public const string Hook = "hook_";

    /// <summary>Wait correlation ids.</summary>
    public const string Wait = "wait_";

    /// <summary>Events.</summary>
    public const string Event = "evnt_";

    /// <summary>Queue messages.</summary>
    public const string Message = "msg_";

    /// <summary>Stream chunks.</summary>
    public const string Chunk = "chnk_";
}
