using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using World.DependencyInjection;
using World.InMemory;
using World.Queue;
using World.Runtime;

namespace World.Docs.Tests.Snippets;

/// <summary>The C# blocks of README.md, in order, inside the methods that give them their variables.</summary>
public static class ReadmeSnippets
{
    public static async Task WorkflowsAsync(HostApplicationBuilder builder, string connectionString, IWorkflowClient client, Order order)
    {
        builder.Services.AddWorld().UsePostgres(connectionString).AddWorkflow<FulfilOrderWorkflow>();
        var run = await client.StartAsync<FulfilOrderWorkflow, Order, Receipt>(order);   // IWorkflowClient from DI
        var receipt = await run.GetResultAsync();
    }

    public static void DependencyInjection(HostApplicationBuilder builder, string connectionString)
    {
        builder.Services.AddWorld().UsePostgres(o => o.ConnectionString = connectionString);  // migrates on host start
        builder.Services.AddHealthChecks().AddWorldPostgres();
    }

    /// <summary>Run by <see cref="SnippetRunTests"/>: returns the log the snippet lists.</summary>
    public static async Task<Page<WorldEvent>> DirectlyAsync(byte[] inputBytes, byte[] argsBytes, string stepId)
    {
        await using var world = new InMemoryWorld();

        var created = await world.Events.CreateAsync(null,
            new EventRequest(new RunCreated("dpl_1", "workflow//orders//process", inputBytes)));
        var runId = created.Run!.RunId;                       // wrun_01...

        await world.Events.CreateAsync(runId, new EventRequest(new RunStarted()));
        await world.Events.CreateAsync(runId, new EventRequest(new StepCreated("step//charge", argsBytes), stepId));

        var page = await world.Events.ListAsync(new EventQuery(runId));   // the log, in commit order
        return page;
    }

    public static async Task QueueAndStreamsAsync(byte[] inputBytes, byte[] argsBytes, string stepId, byte[] payload, byte[] chunk, CancellationToken stoppingToken)
    {
        await using var world = new InMemoryWorld();

        var created = await world.Events.CreateAsync(null,
            new EventRequest(new RunCreated("dpl_1", "workflow//orders//process", inputBytes)));
        var runId = created.Run!.RunId;                       // wrun_01...

        await world.Queue.EnqueueAsync("__wkf_workflow_orders", payload, new EnqueueOptions { IdempotencyKey = runId });
        await new QueueProcessor(world.Queue, new QueueProcessorOptions { Queues = ["__wkf_workflow_orders"] },
            async (message, ct) => { /* … */ return QueueHandlerResult.Complete; }).RunAsync(stoppingToken);

        await world.Streams.WriteAsync(runId, "progress", chunk);
        await foreach (var part in world.Streams.ReadAsync(runId, "progress", startIndex: -10)) { /* live until closed */ }
    }
}
