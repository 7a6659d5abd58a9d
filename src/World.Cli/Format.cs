namespace World.Cli;

/// <summary>The text of enum values and errors as the tool prints them.</summary>
internal static class Format
{
    public static string Status(RunStatus status) => status.ToString().ToLowerInvariant();

    public static string Status(StepStatus status) => status.ToString().ToLowerInvariant();

    public static string Status(WaitStatus status) => status.ToString().ToLowerInvariant();

    public static string Error(StructuredError? error) => error is null ? "-" : error.Code is null ? error.Message : $"{error.Code}: {error.Message}";
}
