using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using World.DependencyInjection;

namespace World.Runtime.Tests.Diagnostics;

/// <summary>An in-memory host running one test's workflows on a queue of its own, so parallel tests do not mix.</summary>
public static class TelemetryHost
{
    /// <summary>
    /// Registers <paramref name="workflowName"/>: step "first", then step "flaky", whose first attempt throws a
    /// retryable error (retried 200 ms later, by a redelivery) and whose second returns; input "fail" makes the workflow throw at the end.
    /// </summary>
    public static async Task<IHost> StartAsync(string workflowName, Action<IServiceCollection>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddWorld().UseInMemory()
            .AddWorkflow<string, string>(workflowName, async (context, input) =>
            {
                var first = await context.StepAsync("first", _ => Task.FromResult(input + "1"));
                var second = await context.StepAsync("flaky", step => step.Attempt == 1
                    ? throw new RetryStepException("first attempt fails", TimeSpan.FromMilliseconds(200))
                    : Task.FromResult(first + "2"));
                return input == "fail" ? throw new InvalidOperationException("the workflow fails") : second;
            })
            .AddWorkflowRuntime(o =>
            {
                o.PollInterval = TimeSpan.FromMilliseconds(50);
                o.QueueName = workflowName;
                // Start-up recovery runs beside the test: it could enqueue a just-created run before the client
                // does, without the caller's trace context, and the client's enqueue would then be a duplicate.
                o.RecoverOnStart = false;
            });
        configure?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        return host;
    }
}
