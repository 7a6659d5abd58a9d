using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using World.Diagnostics;

namespace World.Runtime.Tests.Diagnostics;

public sealed class TracingTests
{
    private static string? Tag(Activity activity, string name) => activity.GetTagItem(name)?.ToString();

    [Fact]
    public async Task A_run_started_under_a_parent_activity_is_one_trace_across_the_queue_hop_and_redelivery()
    {
        using var recorder = new TelemetryRecorder();
        using var host = await TelemetryHost.StartAsync("telemetry-trace");
        var client = host.Services.GetRequiredService<IWorkflowClient>();

        WorkflowRunHandle<string> run;
        ActivityTraceId traceId;
        ActivitySpanId parentSpanId;
        using (var parent = TelemetryRecorder.TestSource.StartActivity("caller"))
        {
            Assert.NotNull(parent);
            traceId = parent.TraceId;
            parentSpanId = parent.SpanId;
            run = await client.StartAsync<string, string>("telemetry-trace", "x", cancellationToken: TestContext.Current.CancellationToken);
        }

        Assert.Equal("x12", await run.GetResultAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));

        // The retried step suspends the run once, so there are two invocations, both in the caller's trace.
        var invocations = new List<Activity>();
        for (var i = 0; i < 2; i++)
        {
            var found = await recorder.WaitForAsync(a => a.Source.Name == WorldTelemetry.RuntimeSourceName
                && a.DisplayName == "workflow invoke telemetry-trace" && Tag(a, "world.run.id") == run.RunId && !invocations.Contains(a));
            invocations.Add(found);
        }

        foreach (var invocation in invocations)
        {
            Assert.Equal(traceId, invocation.TraceId);
            Assert.Equal("telemetry-trace", Tag(invocation, "world.workflow.name"));

            // Each invocation runs under the queue's consumer span, whose parent is the producer span of the enqueue
            // (from the message headers), whose parent is the caller.
            var process = await recorder.WaitForAsync(a => a.SpanId == invocation.ParentSpanId);
            Assert.Equal(WorldTelemetry.QueueSourceName, process.Source.Name);
            Assert.Equal(ActivityKind.Consumer, process.Kind);
            Assert.Equal("process telemetry-trace", process.DisplayName);
            var send = await recorder.WaitForAsync(a => a.SpanId == process.ParentSpanId);
            Assert.Equal(ActivityKind.Producer, send.Kind);
            Assert.Equal("send telemetry-trace", send.DisplayName);
            Assert.Equal("send", Tag(send, "messaging.operation.type"));
            Assert.Equal(parentSpanId, send.ParentSpanId);
            Assert.Empty(invocation.Links); // already in the starting trace: no link needed
            Assert.Equal("world", Tag(process, "messaging.system"));
            Assert.Equal("telemetry-trace", Tag(process, "messaging.destination.name"));
            Assert.Equal("process", Tag(process, "messaging.operation.type"));
            Assert.NotNull(Tag(process, "messaging.message.id"));
        }

        var steps = recorder.Stopped.Where(a => a.Source.Name == WorldTelemetry.RuntimeSourceName && Tag(a, "world.run.id") == run.RunId && a.DisplayName.StartsWith("step ", StringComparison.Ordinal)).ToList();
        Assert.Equal(["step first/1", "step flaky/1", "step flaky/2"], steps.Select(s => $"{s.DisplayName}/{Tag(s, "world.step.attempt")}").Order(StringComparer.Ordinal));
        Assert.All(steps, step =>
        {
            Assert.Equal(traceId, step.TraceId);
            Assert.Contains(invocations, invocation => invocation.SpanId == step.ParentSpanId);
            Assert.Equal("telemetry-trace", Tag(step, "world.workflow.name"));
        });
        var failedAttempt = Assert.Single(steps, s => Tag(s, "world.step.attempt") == "1" && s.DisplayName == "step flaky");
        Assert.Equal(ActivityStatusCode.Error, failedAttempt.Status);
        Assert.Equal("retrying", Tag(failedAttempt, "world.outcome"));
        Assert.Equal(typeof(RetryStepException).FullName, Tag(failedAttempt, "error.type"));
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task An_invocation_whose_message_lost_the_trace_links_to_the_trace_the_run_was_started_in()
    {
        using var recorder = new TelemetryRecorder();
        ActivityTraceId startTrace;
        string runId;

        // Started under a caller's trace by a client whose process runs no worker.
        using (var clientOnly = await TelemetryHost.StartAsync("telemetry-relink", services => services.Configure<WorkflowRuntimeOptions>(o => o.EnableWorker = false)))
        {
            using (var caller = TelemetryRecorder.TestSource.StartActivity("caller"))
            {
                Assert.NotNull(caller);
                startTrace = caller.TraceId;
                runId = (await clientOnly.Services.GetRequiredService<IWorkflowClient>().StartAsync<string, string>("telemetry-relink", "x", cancellationToken: TestContext.Current.CancellationToken)).RunId;
            }

            // The message with the trace context is lost (say, purged by an operator); the run is still pending.
            var world = clientOnly.Services.GetRequiredService<IWorld>();
            var message = Assert.Single(await world.Queue.ClaimAsync(new ClaimRequest(["telemetry-relink"], 1, TimeSpan.FromMinutes(1), "test"), TestContext.Current.CancellationToken));
            Assert.True(await world.Queue.CompleteAsync(message.Lease, TestContext.Current.CancellationToken));

            // A worker over the same World recovers the run at start, with no caller and no context in the new message.
            using var worker = await TelemetryHost.StartAsync("telemetry-relink", services =>
            {
                services.AddSingleton(world);
                services.Configure<WorkflowRuntimeOptions>(o => o.RecoverOnStart = true);
            });
            Assert.Equal("x12", await worker.Services.GetRequiredService<IWorkflowClient>().GetHandle<string>(runId).GetResultAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
            await worker.StopAsync(TestContext.Current.CancellationToken);
        }

        var invocation = await recorder.WaitForAsync(a => a.Source.Name == WorldTelemetry.RuntimeSourceName && a.DisplayName == "workflow invoke telemetry-relink" && Tag(a, "world.run.id") == runId);
        Assert.NotEqual(startTrace, invocation.TraceId);
        var link = Assert.Single(invocation.Links);
        Assert.Equal(startTrace, link.Context.TraceId);
    }

    [Fact]
    public void Trace_context_round_trips_through_message_headers_and_is_absent_without_an_activity()
    {
        Assert.Null(WorldTraceContext.Inject(null));
        Assert.Equal(default, WorldTraceContext.Extract(new Dictionary<string, string> { ["traceparent"] = "garbage" }));

        using var recorder = new TelemetryRecorder();
        using var activity = TelemetryRecorder.TestSource.StartActivity("caller");
        Assert.NotNull(activity);
        activity.TraceStateString = "vendor=1";
        var headers = WorldTraceContext.Inject(activity, new Dictionary<string, string> { ["mine"] = "kept" });

        Assert.NotNull(headers);
        Assert.Equal("kept", headers["mine"]);
        var context = WorldTraceContext.Extract(headers);
        Assert.Equal(activity.TraceId, context.TraceId);
        Assert.Equal(activity.SpanId, context.SpanId);
        Assert.Equal("vendor=1", context.TraceState);
        Assert.True(context.IsRemote);
    }
}
