using System.Text;
using World.Backends;

namespace World;

/// <summary>An error recorded on a run or a step: a message, an optional stack trace and an optional stable code.</summary>
/// <param name="Message">A human-readable description.</param>
/// <param name="Stack">The stack trace where the error was raised, if known.</param>
/// <param name="Code">A stable machine-readable code (for runs, one of the run error codes such as <c>USER_ERROR</c>).</param>
public sealed record StructuredError(string Message, string? Stack = null, string? Code = null)
{
    /// <summary>
    /// Describes <paramref name="exception"/> for the record: its message, and its full text
    /// (<see cref="Exception.ToString"/>) or only its stack trace as the stack. Worlds store only well-formed text
    /// (<see cref="TextRules"/>), but an exception's text is not a caller's to refuse, so an unpaired surrogate in it
    /// becomes U+FFFD here, where the description is made, rather than failing the write that records it.
    /// </summary>
    public static StructuredError FromException(Exception exception, string? code, bool fullText = true)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new StructuredError(WellFormed(exception.Message) ?? string.Empty, WellFormed(fullText ? exception.ToString() : exception.StackTrace), code);
    }

    private static string? WellFormed(string? text) =>
        text is null || TextRules.IsWellFormed(text) ? text : Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text));
}
