namespace World.Cli.Tests;

/// <summary>What one run of the tool did.</summary>
public sealed record CliResult(int ExitCode, string Output, string Error);
