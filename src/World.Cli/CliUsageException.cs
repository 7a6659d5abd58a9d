namespace World.Cli;

/// <summary>A command line that parsed but cannot run (no connection, no confirmation): exit code 2.</summary>
internal sealed class CliUsageException(string message) : Exception(message);
