namespace World;

/// <summary>The storage schema's version against the one this build expects.</summary>
public sealed record SchemaStatus
{
    /// <summary>The status of a World without a versioned schema.</summary>
    public static SchemaStatus NotManaged { get; } = new() { Managed = false, PendingMigrations = [] };

    /// <summary>Whether the World has a versioned schema at all.</summary>
    public required bool Managed { get; init; }

    /// <summary>The highest applied version; 0 for an empty database.</summary>
    public int CurrentVersion { get; init; }

    /// <summary>The highest version this build knows.</summary>
    public int LatestVersion { get; init; }

    /// <summary>The names of the migrations this build would apply, in order.</summary>
    public required IReadOnlyList<string> PendingMigrations { get; init; }

    /// <summary>Whether nothing is pending (a schema newer than this build counts as current: migrations only add).</summary>
    public bool IsCurrent => !Managed || CurrentVersion >= LatestVersion;
}
