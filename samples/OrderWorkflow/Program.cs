// Runs one order through FulfilOrderWorkflow: on the in-memory World by default, or on PostgreSQL when a
// connection string is given (argument or WORLD_POSTGRES_CONNECTION). The program plays the outside world: it
// follows the run's progress stream and approves the order when the workflow asks for it.
// With --telemetry, traces and metrics go to the console exporter: the run is one trace (the program's "place order"
// span, the enqueue, each invocation and step), followed by World's metrics.
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using World;
using World.DependencyInjection;
using World.Runtime;
using World.Samples.OrderWorkflow;

var telemetry = args.Contains("--telemetry");
var connectionString = args.FirstOrDefault(arg => !arg.StartsWith("--", StringComparison.Ordinal)) ?? Environment.GetEnvironmentVariable("WORLD_POSTGRES_CONNECTION");
using var source = new ActivitySource("OrderSample");
var builder = Host.CreateApplicationBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddSingleton<PaymentGateway>();
var worldBuilder = builder.Services.AddWorld();
if (string.IsNullOrEmpty(connectionString))
{
    worldBuilder.UseInMemory();
}
else
{
    worldBuilder.UsePostgres(connectionString);
}

if (telemetry)
{
    builder.Services.AddOpenTelemetry()
        .WithTracing(tracing => tracing.AddSource(source.Name).AddWorldInstrumentation().AddConsoleExporter())
        .WithMetrics(metrics => metrics.AddWorldInstrumentation().AddConsoleExporter());
}

worldBuilder.AddWorkflow<FulfilOrderWorkflow>()
    .AddWorkflowRuntime(options => options.PollInterval = TimeSpan.FromMilliseconds(200));

using var host = builder.Build();
await host.StartAsync();
Console.WriteLine($"World: {(string.IsNullOrEmpty(connectionString) ? "in-memory" : "PostgreSQL")}");

var client = host.Services.GetRequiredService<IWorkflowClient>();
WorkflowRunHandle<Receipt> run;
using (source.StartActivity("place order"))
{
    run = await client.StartAsync<FulfilOrderWorkflow, Order, Receipt>(new Order("o-1001", "ada@example.com", 42.50m));
}

Console.WriteLine($"Started run {run.RunId}");

await foreach (var progress in run.ReadStreamAsync<Progress>())
{
    Console.WriteLine($"  [{progress.Stage}] {progress.Detail}");
    if (progress.Stage == "awaiting-approval")
    {
        Console.WriteLine("  (a reviewer approves through the hook token)");
        await client.ResumeHookAsync(progress.Detail, new Approval(Approved: true, Reviewer: "grace"));
    }
}

var receipt = await run.GetResultAsync(TimeSpan.FromSeconds(60));
Console.WriteLine($"Completed: {receipt}");

var world = host.Services.GetRequiredService<IWorld>();
var log = await world.Events.ListAsync(new EventQuery(run.RunId) { Page = new PageRequest { Limit = 1000 } });
Console.WriteLine($"Event log ({log.Data.Count} events):");
foreach (var logged in log.Data)
{
    Console.WriteLine($"  {logged.EventId}  {logged.EventType.ToWireName(),-15} {logged.CorrelationId}");
}

await host.StopAsync();
