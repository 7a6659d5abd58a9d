using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using World.DependencyInjection;
using World.Runtime;

namespace World.Docs.Tests.Snippets;

/// <summary>The C# blocks of docs/runtime.md that are statements, inside the methods that give them their variables.</summary>
public static class RuntimeDocSnippets
{
    public static async Task RegisterAndRunAsync(HostApplicationBuilder builder, string connectionString, IWorkflowClient client, Order order)
    {
        builder.Services.AddWorld()
            .UsePostgres(connectionString)                 // or .UseInMemory()
            .AddWorkflow<FulfilOrderWorkflow>()            // adds IWorkflowClient and the hosted WorkflowWorker
            .AddWorkflowRuntime(o => o.Concurrency = 16);  // optional: options

        var run = await client.StartAsync<FulfilOrderWorkflow, Order, Receipt>(order);
        Receipt receipt = await run.GetResultAsync();      // WorkflowFailedException / WorkflowCancelledException otherwise
    }

    /// <remarks>Compiled only: the fragment registers the workflow and calls a client from DI in one breath.</remarks>
    public static async Task DelegateWorkflowAsync(IServiceCollection services, IWorkflowClient client)
    {
        services.AddWorld().UseInMemory()
            .AddWorkflow<int, int>("double", (context, n) => context.StepAsync("double", _ => Task.FromResult(n * 2)));
        var run = await client.StartAsync<int, int>("double", 21);
    }
}
