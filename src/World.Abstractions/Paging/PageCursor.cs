using System.Buffers.Text;
using System.Text;

namespace World;

/// <summary>
/// Encodes and decodes the opaque cursors of every listing. A cursor holds the sort key of the last item
/// returned (an id), so it is an exclusive, stable position that stays valid when items are added.
/// </summary>
public static class PageCursor
{
    private const string Version = "c1:";

    /// <summary>Encodes a sort key as an opaque cursor.</summary>
    public static string Encode(string sortKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(sortKey);
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(Version + sortKey));
    }

    /// <summary>Decodes a cursor produced by <see cref="Encode"/>.</summary>
    /// <exception cref="WorldValidationException">The cursor was not produced by this World.</exception>
    public static string Decode(string cursor)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        string text;
        try
        {
            text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
        }
        catch (FormatException)
        {
            throw InvalidCursor();
        }

        if (!text.StartsWith(Version, StringComparison.Ordinal) || !IdValidation.IsSafe(text.AsSpan(Version.Length)))
        {
            throw InvalidCursor();
        }

        return text[Version.Length..];
    }

    /// <summary>Decodes an optional cursor; null stays null.</summary>
    public static string? DecodeOrNull(string? cursor) => cursor is null ? null : Decode(cursor);

    /// <summary>Resolves the effective page size: the default when unset, clamped to <see cref="PageRequest.MaxLimit"/>.</summary>
    /// <exception cref="WorldValidationException">The limit is zero or negative.</exception>
    public static int ResolveLimit(int? limit, int defaultLimit)
    {
        if (limit is null)
        {
            return defaultLimit;
        }

        if (limit <= 0)
        {
            throw new WorldValidationException($"Page limit must be positive, got {limit}.", "limit");
        }

        return Math.Min(limit.Value, PageRequest.MaxLimit);
    }

    private static WorldValidationException InvalidCursor() =>
        new("The cursor is not valid for this listing; pass back a cursor returned by the World.", "cursor");
}
