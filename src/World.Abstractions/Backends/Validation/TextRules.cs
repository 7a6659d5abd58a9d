using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace World.Backends;

/// <summary>
/// The one rule for every string that enters a World, whatever the backend stores it in. Strings must be well-formed
/// UTF-16 (no unpaired surrogate), because PostgreSQL stores UTF-8 and a string without an exact UTF-8 form would either
/// fail to encode or be silently replaced with U+FFFD; free text must not contain U+0000, which PostgreSQL text
/// refuses. Limits are counted in UTF-8 bytes, the unit in which storage (and btree index rows) are bounded.
/// </summary>
[Experimental(BackendApi.DiagnosticId, Message = BackendApi.Message)]
public static class TextRules
{
    /// <summary>The longest free-text value (header and execution-context values), in UTF-8 bytes.</summary>
    public const int MaxTextBytes = 8192;

    /// <summary>Whether <paramref name="text"/> is well-formed UTF-16: every surrogate belongs to a pair.</summary>
    public static bool IsWellFormed(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (!char.IsSurrogate(c))
            {
                continue;
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            return false;
        }

        return true;
    }

    /// <summary>
    /// Orders strings by their UTF-8 bytes (equivalently, by code point), the order of a PostgreSQL <c>"C"</c>
    /// collation; ordinal UTF-16 order differs from it for characters above U+FFFF.
    /// </summary>
    public static IComparer<string> Utf8Order { get; } = Comparer<string>.Create(static (a, b) =>
    {
        if (a is null || b is null)
        {
            return a is null ? (b is null ? 0 : -1) : 1;
        }

        var left = a.EnumerateRunes();
        var right = b.EnumerateRunes();
        while (true)
        {
            var hasLeft = left.MoveNext();
            var hasRight = right.MoveNext();
            if (!hasLeft || !hasRight)
            {
                return hasLeft ? 1 : hasRight ? -1 : 0;
            }

            var comparison = left.Current.Value.CompareTo(right.Current.Value);
            if (comparison != 0)
            {
                return comparison;
            }
        }
    });

    /// <summary>The number of UTF-8 bytes of a well-formed string.</summary>
    public static int Utf8Length(string text) => Encoding.UTF8.GetByteCount(text);

    /// <summary>Throws unless <paramref name="value"/> (when not null) is well-formed UTF-16.</summary>
    /// <exception cref="WorldValidationException">The value has an unpaired surrogate.</exception>
    public static string? RequireWellFormed(string? value, string field)
    {
        if (value is not null && !IsWellFormed(value))
        {
            throw new WorldValidationException($"{field} is not valid Unicode: it contains an unpaired surrogate, which has no UTF-8 form.", field);
        }

        return value;
    }

    /// <summary>
    /// Validates optional free text: null passes; otherwise well-formed, without U+0000 and at most
    /// <paramref name="maxBytes"/> UTF-8 bytes. Other control characters (tab, newline) are kept.
    /// </summary>
    /// <exception cref="WorldValidationException">A rule is broken.</exception>
    public static string? RequireText(string? value, string field, int maxBytes)
    {
        if (value is null)
        {
            return null;
        }

        RequireWellFormed(value, field);
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new WorldValidationException($"{field} must not contain NUL (U+0000).", field);
        }

        var bytes = Utf8Length(value);
        if (bytes > maxBytes)
        {
            throw new WorldValidationException($"{field} must be at most {maxBytes} UTF-8 bytes, got {bytes}.", field);
        }

        return value;
    }
}
