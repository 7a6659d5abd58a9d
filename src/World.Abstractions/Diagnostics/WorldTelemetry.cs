namespace World.Diagnostics;

/// <summary>
/// The names of every <see cref="System.Diagnostics.ActivitySource"/> and <see cref="System.Diagnostics.Metrics.Meter"/>
/// World's libraries publish, in one place so that exporters, tests and docs cannot drift from the libraries.
/// </summary>
/// <remarks>Each library names its source and its meter the same; both carry the library's informational version.</remarks>
public static class WorldTelemetry
{
    /// <summary>The queue processor and queue operations (World.Abstractions).</summary>
    public const string QueueSourceName = "World.Queue";

    /// <summary>The workflow runtime: invocations, steps, run outcomes (World.Runtime).</summary>
    public const string RuntimeSourceName = "World.Runtime";

    /// <summary>The PostgreSQL World (World.Postgres).</summary>
    public const string PostgresSourceName = "World.Postgres";

    /// <summary>
    /// The source and meter of the shared write path (<c>events.create</c> spans, latency and write conflicts), the same
    /// on every backend.
    /// </summary>
    public const string StorageSourceName = "World.Storage";

    /// <summary>Every source and meter name above: what an exporter subscribes to.</summary>
    public static IReadOnlyList<string> AllSourceNames { get; } = [QueueSourceName, RuntimeSourceName, StorageSourceName, PostgresSourceName];

    /// <summary>The value of <c>messaging.system</c> on World's messaging spans.</summary>
    public const string MessagingSystem = "world";

    /// <summary>The version a library's sources and meters carry: its informational version.</summary>
    public static string VersionOf(System.Reflection.Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        return System.Reflection.CustomAttributeExtensions.GetCustomAttribute<System.Reflection.AssemblyInformationalVersionAttribute>(assembly)?.InformationalVersion
            ?? assembly.GetName().Version?.ToString()
            ?? "0.0.0";
    }
}
