using System.Diagnostics.CodeAnalysis;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace World.Backends;

/// <summary>
/// Encodes and decodes the opaque cursors of every listing. A cursor holds the sort key of the last item returned
/// (an id), so it is an exclusive, stable position that stays valid when items are added. It also names its listing
/// and carries a check value over (listing, scope, sort key), so a cursor from another listing, another scope (run,
/// queue, stream), or a truncated or altered cursor is refused with a <see cref="WorldValidationException"/> on
/// <c>cursor</c> instead of being read as some other position. The check value detects mistakes, it is not a
/// signature: cursors carry no secret and grant nothing.
/// </summary>
[Experimental(BackendApi.DiagnosticId, Message = BackendApi.Message)]
public static class PageCursor
{
    private const string Version = "c2";
    private const char Separator = '.';
    private const int CheckBytes = 9;

    /// <summary>The scope of a listing that is not scoped (all runs, all hooks, all queues).</summary>
    public const string Unscoped = "";

    /// <summary>Encodes the sort key of the last item of a page of <paramref name="listing"/> within <paramref name="scope"/>.</summary>
    public static string Encode(CursorListing listing, string scope, string sortKey)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentException.ThrowIfNullOrEmpty(sortKey);
        var kind = ((int)listing).ToString(CultureInfo.InvariantCulture);
        var text = string.Join(Separator, Version, kind, sortKey, Check(kind, scope, sortKey));
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));
    }

    /// <summary>Decodes a cursor produced by <see cref="Encode"/> for the same listing and scope.</summary>
    /// <exception cref="WorldValidationException">The cursor was not produced by this listing and scope, or was altered.</exception>
    public static string Decode(string cursor, CursorListing listing, string scope)
    {
        if (cursor is null)
        {
            throw InvalidCursor();
        }

        ArgumentNullException.ThrowIfNull(scope);
        string text;
        try
        {
            text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
        }
        catch (FormatException)
        {
            throw InvalidCursor();
        }

        var parts = text.Split(Separator);
        var kind = ((int)listing).ToString(CultureInfo.InvariantCulture);
        if (parts.Length != 4
            || parts[0] != Version
            || parts[1] != kind
            || !IdValidation.IsSafe(parts[2])
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(parts[3]), Encoding.ASCII.GetBytes(Check(kind, scope, parts[2]))))
        {
            throw InvalidCursor();
        }

        return parts[2];
    }

    /// <summary>Decodes an optional cursor; null stays null.</summary>
    public static string? DecodeOrNull(string? cursor, CursorListing listing, string scope) =>
        cursor is null ? null : Decode(cursor, listing, scope);

    /// <summary>
    /// Validates a page request of <paramref name="listing"/> within <paramref name="scope"/>: the request is present,
    /// the order is defined, the limit positive (clamped to <see cref="PageRequest.MaxLimit"/>) and the cursor belongs here.
    /// </summary>
    /// <exception cref="WorldValidationException">A part of the request is invalid; the field names it.</exception>
    public static ResolvedPage Resolve(PageRequest? page, int defaultLimit, SortOrder defaultOrder, CursorListing listing, string scope)
    {
        if (page is null)
        {
            throw new WorldValidationException("A page request is required (use PageRequest.Default).", "page");
        }

        var order = page.SortOrder ?? defaultOrder;
        if (!Enum.IsDefined(order))
        {
            throw new WorldValidationException($"sortOrder {(int)order} is not a defined SortOrder.", "sortOrder");
        }

        var limit = ResolveLimit(page.Limit, defaultLimit);
        return new ResolvedPage(limit, DecodeOrNull(page.Cursor, listing, scope), order);
    }

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

    // A truncated SHA-256 over the listing, the scope and the key: any change to one of them changes the check.
    private static string Check(string kind, string scope, string sortKey) =>
        Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', Version, kind, scope, sortKey))).AsSpan(0, CheckBytes));

    private static WorldValidationException InvalidCursor() =>
        new("The cursor is not valid for this listing; pass back a cursor returned by the same listing.", "cursor");
}
