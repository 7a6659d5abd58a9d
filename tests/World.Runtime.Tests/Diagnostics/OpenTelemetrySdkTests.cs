using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace World.Runtime.Tests.Diagnostics;

public sealed class OpenTelemetrySdkTests
{
    [Fact]
    public async Task AddWorldInstrumentation_exports_the_runtime_and_queue_telemetry_through_the_sdk()
    {
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        using var tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource(TelemetryRecorder.TestSourceName)
            .AddWorldInstrumentation()
            .AddInMemoryExporter(spans)
            .Build();
        using var metering = Sdk.CreateMeterProviderBuilder()
            .AddWorldInstrumentation()
            .AddInMemoryExporter(metrics)
            .Build();
        using var host = await TelemetryHost.StartAsync("telemetry-sdk");
        var client = host.Services.GetRequiredService<IWorkflowClient>();

        WorkflowRunHandle<string> run;
        ActivityTraceId traceId;
        using (var parent = TelemetryRecorder.TestSource.StartActivity("caller"))
        {
            Assert.NotNull(parent);
            traceId = parent.TraceId;
            run = await client.StartAsync<string, string>("telemetry-sdk", "x", cancellationToken: TestContext.Current.CancellationToken);
        }

        Assert.Equal("x12", await run.GetResultAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
        await host.StopAsync(TestContext.Current.CancellationToken);   // every handler has settled: its spans ended
        tracing.ForceFlush();
        metering.ForceFlush();

        List<Activity> ours;
        lock (spans)
        {
            ours = spans.Where(s => s.TraceId == traceId).ToList();
        }

        Assert.Contains(ours, s => s.DisplayName == "workflow invoke telemetry-sdk");
        Assert.Contains(ours, s => s.DisplayName == "process telemetry-sdk");
        Assert.Contains(ours, s => s.DisplayName == "step flaky");
        Assert.Contains(metrics, m => m.Name == "world.runtime.runs.completed" && m.Unit == "{run}");
        Assert.Contains(metrics, m => m.Name == "world.queue.process.duration" && m.Unit == "s");
    }
}
