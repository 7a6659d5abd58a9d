using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using World.DependencyInjection;
using World.Diagnostics;

namespace World.Runtime.Tests.Diagnostics;

public sealed class SpanTreeTests
{
    private const string Queue = "telemetry-tree";

    [Workflow("telemetry-tree-parent")]
    public sealed class ParentWorkflow : IWorkflow<string, string>
    {
        public async Task<string> RunAsync(IWorkflowContext context, string input)
        {
            await context.SleepAsync(TimeSpan.FromMilliseconds(100));
            var hook = await context.CreateHookAsync<string>(new HookOptions { Token = input });
            var approval = await hook.NextAsync();
            var child = await context.StartChildAsync<ChildWorkflow, string, string>(approval);
            return await child.GetResultAsync();
        }
    }

    [Workflow("telemetry-tree-child")]
    public sealed class ChildWorkflow : IWorkflow<string, string>
    {
        public Task<string> RunAsync(IWorkflowContext context, string input) => context.StepAsync("shout", _ => Task.FromResult(input.ToUpperInvariant()));
    }

    private static string? Tag(Activity activity, string name) => activity.GetTagItem(name)?.ToString();

    [Fact]
    public async Task A_sleep_a_hook_resume_and_a_child_run_stay_in_the_starting_trace_with_the_child_under_the_parents_step()
    {
        using var recorder = new TelemetryRecorder();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddWorld().UseInMemory()
            .AddWorkflow<ParentWorkflow>()
            .AddWorkflow<ChildWorkflow>()
            .AddWorkflowRuntime(o =>
            {
                o.QueueName = Queue;
                o.PollInterval = TimeSpan.FromMilliseconds(50);
                o.RecoverOnStart = false;
            });
        using var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        var client = host.Services.GetRequiredService<IWorkflowClient>();
        var token = "tree-" + Guid.NewGuid().ToString("N");

        WorkflowRunHandle<string> run;
        ActivityTraceId traceId;
        using (var caller = TelemetryRecorder.TestSource.StartActivity("caller"))
        {
            Assert.NotNull(caller);
            traceId = caller.TraceId;
            run = await client.StartAsync<ParentWorkflow, string, string>(token, cancellationToken: TestContext.Current.CancellationToken);
        }

        // The hook is resumed by someone else, in a trace of their own.
        ActivitySpanId resumerSpan;
        var resumed = false;
        for (var i = 0; i < 300 && !resumed; i++)
        {
            using var resumer = TelemetryRecorder.TestSource.StartActivity("resumer");
            resumerSpan = resumer!.SpanId;
            try
            {
                await client.ResumeHookAsync(token, "approved", TestContext.Current.CancellationToken);
                resumed = true;
                var wake = await recorder.WaitForAsync(a => a.DisplayName == "send " + Queue && a.ParentSpanId == resumerSpan);
                Assert.Equal(ActivityKind.Producer, wake.Kind);
            }
            catch (HookNotFoundException)
            {
                await Task.Delay(20, TestContext.Current.CancellationToken);
            }
        }

        Assert.True(resumed, "the hook was never created");
        Assert.Equal("APPROVED", await run.GetResultAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
        await host.StopAsync(TestContext.Current.CancellationToken);

        // The parent's invocations (first, after the sleep, after the hook, after the child) are in the caller's trace
        // while its message lives on; a wake-up that finds none (the run waited on the hook) starts the next invocation
        // in the waker's trace, and that invocation links back to the caller's.
        var parentInvocations = recorder.Stopped.Where(a => a.DisplayName == "workflow invoke telemetry-tree-parent" && Tag(a, "world.run.id") == run.RunId).ToList();
        Assert.True(parentInvocations.Count >= 3, $"expected at least 3 invocations, saw {parentInvocations.Count}");
        Assert.Equal(traceId, parentInvocations.MinBy(a => a.StartTimeUtc)!.TraceId);
        Assert.All(parentInvocations, invocation => Assert.True(
            invocation.TraceId == traceId || invocation.Links.Any(link => link.Context.TraceId == traceId),
            "every invocation is in the starting trace or links to it"));

        // The child's first invocation: process ← send ← the parent's step that started it, in the parent's trace.
        var childInvocation = await recorder.WaitForAsync(a => a.DisplayName == "workflow invoke telemetry-tree-child");
        var process = await recorder.WaitForAsync(a => a.SpanId == childInvocation.ParentSpanId);
        Assert.Equal(ActivityKind.Consumer, process.Kind);
        var send = await recorder.WaitForAsync(a => a.SpanId == process.ParentSpanId);
        Assert.Equal(ActivityKind.Producer, send.Kind);
        var startStep = await recorder.WaitForAsync(a => a.SpanId == send.ParentSpanId);
        Assert.StartsWith("step $start-child", startStep.DisplayName, StringComparison.Ordinal);
        Assert.Equal(run.RunId, Tag(startStep, "world.run.id"));
        Assert.Contains(parentInvocations, invocation => invocation.SpanId == startStep.ParentSpanId);
        Assert.Equal(startStep.TraceId, childInvocation.TraceId);
        Assert.Contains(recorder.Stopped, a => a.Source.Name == WorldTelemetry.RuntimeSourceName && a.DisplayName == "step shout" && a.TraceId == startStep.TraceId);
    }
}
