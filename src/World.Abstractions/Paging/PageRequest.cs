namespace World;

/// <summary>Cursor pagination options common to every listing.</summary>
public sealed record PageRequest
{
    /// <summary>The largest page any listing returns; larger limits are clamped to it.</summary>
    public const int MaxLimit = 1000;

    /// <summary>The shared default: first page, default limit and order.</summary>
    public static PageRequest Default { get; } = new();

    /// <summary>The page size; null for the listing's default. Clamped to <see cref="MaxLimit"/>; must be positive.</summary>
    public int? Limit { get; init; }

    /// <summary>An opaque cursor from a previous page; items strictly after it are returned.</summary>
    public string? Cursor { get; init; }

    /// <summary>The order; null for the listing's default.</summary>
    public SortOrder? SortOrder { get; init; }
}
