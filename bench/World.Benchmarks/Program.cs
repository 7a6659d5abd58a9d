using System.Text.Json;
using BenchmarkDotNet.Running;
using World.Benchmarks.Load;
using World.Benchmarks.Micro;
using World.Benchmarks.Scenarios;

// dotnet run -c Release --project bench/World.Benchmarks -- <scenario> [--backend inmemory|postgres] [--duration s]
//     [--concurrency n] [--json out.json] [--connection cs] [--no-fsync]
// Scenarios: events, submit, queue, streams, workflows, soak (long run: memory, connections, locks), outage (recovery
// after database faults; starts its own server), schedules (fire lag of 10,000 schedules due at once), telemetry (events and queue with no listener vs the full OpenTelemetry SDK); "micro" runs the BenchmarkDotNet hot-path suite (BenchmarkDotNet args follow).
if (args.Length > 0 && args[0] == "micro")
{
    BenchmarkRunner.Run<HotPathBenchmarks>(args: args[1..]);
    return 0;
}

RunnerOptions options;
try
{
    options = RunnerOptions.Parse(args);
}
catch (Exception error) when (error is ArgumentException or FormatException)
{
    Console.Error.WriteLine(error.Message);
    Console.Error.WriteLine("usage: <events|submit|queue|streams|workflows|soak|outage|schedules|telemetry|micro> [--backend inmemory|postgres] [--duration s] [--concurrency n] [--json out.json] [--connection cs] [--no-fsync]");
    return 2;
}

if (options.Scenario is "soak" or "outage" && options.Backend != "postgres")
{
    // Both measure a PostgreSQL deployment: server connections, locks, outages. In memory the World keeps every run,
    // so its memory grows by design and there is no server to lose.
    Console.Error.WriteLine($"{options.Scenario} runs on PostgreSQL only (--backend postgres).");
    return 2;
}

if (options.Scenario == "outage" && options.ConnectionString is not null)
{
    Console.Error.WriteLine("outage stops and restarts its server, so it always starts its own; --connection is not supported.");
    return 2;
}

await using var backend = options.Scenario switch
{
    "soak" => await Backend.StartAsync(options, worldPoolSize: SoakScenario.WorldPoolSize),
    "outage" => await Backend.StartAsync(options, worldPoolSize: OutageScenario.WorldPoolSize, ownServer: true),
    _ => await Backend.StartAsync(options),
};
var machine = backend.Machine;
Console.WriteLine($"{options.Scenario} on {backend.Kind}: {machine.Cores} cores, {machine.Runtime}, {machine.Os}");
if (machine.PostgresVersion is not null)
{
    Console.WriteLine($"PostgreSQL {machine.PostgresVersion}: {string.Join(", ", machine.PostgresSettings.Select(s => $"{s.Key}={s.Value}"))}");
}

var report = options.Scenario switch
{
    "events" => await EventsScenario.RunAsync(backend, options),
    "submit" => await SubmitScenario.RunAsync(backend, options),
    "queue" => await QueueScenario.RunAsync(backend, options),
    "streams" => await StreamsScenario.RunAsync(backend, options),
    "workflows" => await WorkflowsScenario.RunAsync(backend, options),
    "soak" => await SoakScenario.RunAsync(backend, options),
    "outage" => await OutageScenario.RunAsync(backend, options),
    "schedules" => await SchedulesScenario.RunAsync(backend, options),
    "telemetry" => await TelemetryScenario.RunAsync(backend, options),
    _ => null,
};
if (report is null)
{
    Console.Error.WriteLine($"Unknown scenario '{options.Scenario}'. Scenarios: events, submit, queue, streams, workflows, soak, outage, schedules, telemetry, micro.");
    return 2;
}

foreach (var (name, ratio) in report.Ratios)
{
    // A ratio of rates reads as a percentage; a ratio of latencies ("… in raw commits") as a multiple.
    Console.WriteLine(name.Contains(" in raw ", StringComparison.Ordinal) ? $"  ratio {name}: {ratio:N2}×" : $"  ratio {name}: {ratio:P1}");
}

if (options.JsonPath is not null)
{
    await File.WriteAllTextAsync(options.JsonPath, JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
    Console.WriteLine($"wrote {options.JsonPath}");
}

return 0;
