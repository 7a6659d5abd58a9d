using System.Diagnostics.CodeAnalysis;
namespace World.Backends;

/// <summary>
/// Validation of ids and names. Ids are restricted to a path- and SQL-safe charset so that every backend can use
/// them as keys, file names or log fields without escaping.
/// </summary>
[Experimental(BackendApi.DiagnosticId, Message = BackendApi.Message)]
public static class IdValidation
{
    /// <summary>The longest id accepted.</summary>
    public const int MaxIdLength = 256;

    /// <summary>
    /// The longest name (workflow, step, deployment, queue, stream, owner), token or idempotency key, in UTF-8 bytes:
    /// bytes, not characters, so that every name within the limit fits a PostgreSQL btree index row.
    /// </summary>
    public const int MaxNameBytes = 1024;

    /// <summary>The longest key (attribute, header, execution-context key), in UTF-8 bytes.</summary>
    public const int MaxKeyBytes = 256;

    /// <summary>How far in the past a client-supplied run id's timestamp may be.</summary>
    public static readonly TimeSpan ClientRunIdMaxAge = TimeSpan.FromHours(24);

    /// <summary>How far in the future a client-supplied run id's timestamp may be.</summary>
    public static readonly TimeSpan ClientRunIdMaxSkew = TimeSpan.FromMinutes(5);

    /// <summary>Whether <paramref name="id"/> is 1 to <see cref="MaxIdLength"/> characters of <c>[A-Za-z0-9_-]</c>.</summary>
    public static bool IsSafe(ReadOnlySpan<char> id)
    {
        if (id.IsEmpty || id.Length > MaxIdLength)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether <paramref name="text"/> is 26 characters of the Crockford base32 alphabet with a ULID-range first character.</summary>
    public static bool IsCrockford(ReadOnlySpan<char> text)
    {
        if (text.Length != WorldIds.UlidLength || text[0] > '7')
        {
            return false;
        }

        foreach (var c in text)
        {
            var upper = char.ToUpperInvariant(c);
            if (!(char.IsAsciiDigit(upper) || (upper is >= 'A' and <= 'Z' && upper is not ('I' or 'L' or 'O' or 'U'))))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Throws unless <paramref name="id"/> is a safe id.</summary>
    /// <exception cref="WorldValidationException">The id is null, empty, too long or has an unsafe character.</exception>
    public static string RequireSafeId(string? id, string field)
    {
        if (id is null || !IsSafe(id))
        {
            throw new WorldValidationException(
                id is null or { Length: 0 }
                    ? $"{field} is required."
                    : $"{field} must be 1 to {MaxIdLength} characters of letters, digits, '_' or '-'.",
                field);
        }

        return id;
    }

    /// <summary>
    /// Throws unless <paramref name="value"/> is a name: 1 to <see cref="MaxNameBytes"/> UTF-8 bytes of well-formed
    /// Unicode without control characters (so no NUL).
    /// </summary>
    /// <exception cref="WorldValidationException">The name is missing, too long, not valid Unicode, or has a control character.</exception>
    public static string RequireName(string? value, string field) => RequireKey(value, field, MaxNameBytes);

    /// <summary>Throws unless <paramref name="value"/> is 1 to <paramref name="maxBytes"/> UTF-8 bytes of well-formed Unicode without control characters.</summary>
    /// <exception cref="WorldValidationException">The value is missing, too long, not valid Unicode, or has a control character.</exception>
    public static string RequireKey(string? value, string field, int maxBytes)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new WorldValidationException($"{field} is required.", field);
        }

        TextRules.RequireWellFormed(value, field);
        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                throw new WorldValidationException($"{field} must not contain control characters.", field);
            }
        }

        var bytes = TextRules.Utf8Length(value);
        if (bytes > maxBytes)
        {
            throw new WorldValidationException($"{field} must be at most {maxBytes} UTF-8 bytes, got {bytes}.", field);
        }

        return value;
    }

    /// <summary>Validates an optional name: null passes, anything else must satisfy <see cref="RequireName"/>.</summary>
    public static string? OptionalName(string? value, string field) => value is null ? null : RequireName(value, field);

    /// <summary>
    /// Validates a client-supplied run id: <c>wrun_</c> + a ULID whose timestamp lies within 24 h before and 5 min
    /// after <paramref name="now"/>. The 24 h bound lets a delayed queue message still create its run.
    /// </summary>
    /// <exception cref="WorldValidationException">The id is malformed or its timestamp is out of range.</exception>
    public static string RequireClientRunId(string runId, DateTimeOffset now)
    {
        if (!WorldIds.TryGetTimestamp(runId, IdPrefixes.Run, out var timestamp))
        {
            throw new WorldValidationException($"Invalid runId: '{Truncate(runId)}' is not '{IdPrefixes.Run}' followed by a valid ULID.", "runId");
        }

        var age = now - timestamp;
        if (age > ClientRunIdMaxAge)
        {
            throw new WorldValidationException(
                $"Invalid runId timestamp: embedded timestamp is {(long)age.TotalSeconds}s in the past (threshold: {(long)ClientRunIdMaxAge.TotalSeconds}s).",
                "runId");
        }

        if (-age > ClientRunIdMaxSkew)
        {
            throw new WorldValidationException(
                $"Invalid runId timestamp: embedded timestamp is {(long)(-age).TotalSeconds}s in the future (threshold: {(long)ClientRunIdMaxSkew.TotalSeconds}s).",
                "runId");
        }

        return runId;
    }

    private static string Truncate(string? value) =>
        value is null ? "" : value.Length <= 64 ? value : value[..64] + "...";
}
