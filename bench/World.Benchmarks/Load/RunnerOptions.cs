using System.Globalization;

namespace World.Benchmarks.Load;

/// <summary>The load runner's command line: <c>&lt;scenario&gt; [--backend inmemory|postgres] [--duration s] [--concurrency n] [--json file] [--connection cs] [--no-fsync]</c>.</summary>
internal sealed record RunnerOptions
{
    public required string Scenario { get; init; }

    public string Backend { get; init; } = "postgres";

    /// <summary>The measured time (soak: the whole run, default 60 s; outage: the steady load before each fault; others: default 10 s).</summary>
    public TimeSpan Duration => DurationOverride ?? TimeSpan.FromSeconds(Scenario == "soak" ? 60 : 10);

    public TimeSpan? DurationOverride { get; init; }

    /// <summary>Explicit concurrency; null runs each scenario's standard levels.</summary>
    public int? ConcurrencyOverride { get; init; }

    public int Concurrency => ConcurrencyOverride ?? 16;

    public string? JsonPath { get; init; }

    public string? ConnectionString { get; init; }

    public bool Fsync { get; init; } = true;

    public static RunnerOptions Parse(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith('-'))
        {
            throw new ArgumentException("The first argument is the scenario.");
        }

        var options = new RunnerOptions { Scenario = args[0] };
        for (var i = 1; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            options = args[i] switch
            {
                "--backend" => options with { Backend = RequireBackend(Value()) },
                "--duration" => options with { DurationOverride = TimeSpan.FromSeconds(double.Parse(Value(), CultureInfo.InvariantCulture)) },
                "--concurrency" => options with { ConcurrencyOverride = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--json" => options with { JsonPath = Value() },
                "--connection" => options with { ConnectionString = Value() },
                "--no-fsync" => options with { Fsync = false },
                _ => throw new ArgumentException($"Unknown option {args[i]}."),
            };
        }

        return options;
    }

    private static string RequireBackend(string backend) =>
        backend is "inmemory" or "postgres" ? backend : throw new ArgumentException("--backend is inmemory or postgres.");
}
