// A workflow worker process for the fault-injection suite (tests/World.Postgres.Tests/Chaos). It is an ordinary
// application host (AddWorld().UsePostgres().AddWorkflow<T>()), so a worker that dies here dies as a deployed worker
// would. The test starts several, kills them, restarts PostgreSQL under them, and reads what they announce on stdout
// (ChaosJournal). Logs go to stderr, which the test keeps for its diagnostics.
//
//   World.Postgres.ChaosWorker --connection <connection string> --schema <schema> --worker <name>
//       --workflows <name,name,...> [--lease-ms 2000] [--heartbeat-ms 500] [--poll-ms 200] [--concurrency 8]
//       [--max-deliveries 10] [--trace on]
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using World.DependencyInjection;
using World.Postgres.ChaosWorker;
using World.Postgres.ChaosWorker.Workflows;

var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 0; i + 1 < args.Length; i += 2)
{
    options[args[i]] = args[i + 1];
}

string Required(string name) => options.TryGetValue(name, out var value) ? value : throw new ArgumentException($"missing {name}");
int Number(string name, int fallback) => options.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

var journal = new ChaosJournal(Required("--worker"));
using var spans = options.ContainsKey("--trace") ? new SpanJournal(journal.Worker) : null;
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
builder.Logging.AddSimpleConsole(console =>
{
    console.SingleLine = true;
    console.TimestampFormat = "HH:mm:ss.fff ";
});
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.Configure<ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
builder.Services.AddSingleton(journal);

var world = builder.Services.AddWorld().UsePostgres(postgres =>
{
    postgres.ConnectionString = Required("--connection");
    postgres.Schema = Required("--schema");
    postgres.MigrateOnStart = false;
});
foreach (var workflow in Required("--workflows").Split(',', StringSplitOptions.RemoveEmptyEntries))
{
    _ = workflow switch
    {
        "chaos-steps" => world.AddWorkflow<ChaosStepsWorkflow>(),
        "chaos-steps-v2" => world.AddWorkflow<ChaosStepsV2Workflow>(),
        "chaos-poison-crash" => world.AddWorkflow<PoisonCrashWorkflow>(),
        "chaos-poison-throw" => world.AddWorkflow<PoisonThrowWorkflow>(),
        _ => throw new ArgumentException($"unknown workflow {workflow}"),
    };
}

world.AddWorkflowRuntime(runtime =>
{
    runtime.WorkerName = journal.Worker;
    runtime.LeaseDuration = TimeSpan.FromMilliseconds(Number("--lease-ms", 2000));
    runtime.HeartbeatInterval = TimeSpan.FromMilliseconds(Number("--heartbeat-ms", 500));
    runtime.PollInterval = TimeSpan.FromMilliseconds(Number("--poll-ms", 200));
    runtime.Concurrency = Number("--concurrency", 8);
    runtime.MaxDeliveries = Number("--max-deliveries", 10);
    runtime.ShutdownTimeout = TimeSpan.FromSeconds(2);
});

using var host = builder.Build();
await host.StartAsync();
journal.Ready();
await host.WaitForShutdownAsync();

// Nothing asks this host to stop (the test only ever kills it): reaching here means a hosted service failed and took
// the host down, which is exactly what a worker must never do.
Console.Out.WriteLine($"CHAOS-STOPPED {journal.Worker}");
return 1;
