using System.Diagnostics;
using System.Reflection;

namespace World.Postgres.Tests;

/// <summary>Starts <c>World.Postgres.CrashHost</c> (a worker the test kills with SIGKILL) and reads what it announces.</summary>
internal static class CrashHostProcess
{
    /// <summary>Starts the crash host with <paramref name="arguments"/> (its mode first).</summary>
    public static Process Start(params string[] arguments)
    {
        var host = typeof(CrashHostProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "CrashHostPath").Value!;
        Assert.True(File.Exists(host), $"the crash host is built at {host}");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(host);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("Could not start the crash host.");
    }

    /// <summary>The first line the process writes that starts with <paramref name="prefix"/>, within 60 s.</summary>
    public static async Task<string> ReadLineAsync(Process process, string prefix, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                return line;
            }
        }

        throw new InvalidOperationException($"The crash host exited ({await process.StandardError.ReadToEndAsync(cancellationToken)}).");
    }
}
