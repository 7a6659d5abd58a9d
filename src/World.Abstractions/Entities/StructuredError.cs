namespace World;

/// <summary>An error recorded on a run or a step: a message, an optional stack trace and an optional stable code.</summary>
/// <param name="Message">A human-readable description.</param>
/// <param name="Stack">The stack trace where the error was raised, if known.</param>
/// <param name="Code">A stable machine-readable code (for runs, one of the run error codes such as <c>USER_ERROR</c>).</param>
public sealed record StructuredError(string Message, string? Stack = null, string? Code = null);
