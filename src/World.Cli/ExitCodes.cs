namespace World.Cli;

/// <summary>The exit codes of the <c>world</c> tool (docs/operators.md, "Exit codes").</summary>
internal static class ExitCodes
{
    /// <summary>The command did what it was asked, and the World is healthy.</summary>
    public const int Ok = 0;

    /// <summary>The World is unhealthy or behind, or the command failed (not found, unreachable, refused).</summary>
    public const int Failed = 1;

    /// <summary>The command line is wrong: unknown command or option, a bad value, no connection, no confirmation.</summary>
    public const int Usage = 2;
}
