using System.Diagnostics;
using World.Diagnostics;

namespace World.Postgres.Tests.Chaos;

/// <summary>
/// A run's trace survives the worker that ran it: a worker process is SIGKILLed inside a step, its replacement finishes
/// the run, and every span either process ended for that run is in the caller's trace or links to it.
/// </summary>
[Collection(ChaosCollection.Name)]
public sealed class TraceAcrossCrashChaosTests
{
    private const string CallerSourceName = "World.Postgres.Tests.Chaos.Caller";

    private static readonly ActivitySource Caller = new(CallerSourceName);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_run_whose_worker_is_killed_mid_step_stays_one_trace_across_both_worker_processes()
    {
        // The test process records its own spans only for the caller's source and the runtime's `send`.
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == CallerSourceName || source.Name == WorldTelemetry.RuntimeSourceName,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        await using var chaos = await ChaosEnvironment.StartAsync(maxDeliveries: 10, Cancellation);
        var spec = WorkerSpec.Default with { Trace = true };
        var first = (await chaos.StartWorkersAsync(1, spec, Cancellation)).Single();

        ActivityTraceId callerTrace;
        string runId;
        using (var caller = Caller.StartActivity("place order"))
        {
            Assert.NotNull(caller);
            callerTrace = caller.TraceId;

            // A slow step longer than the lease: the kill lands inside it and its lease must lapse before the retry.
            runId = (await chaos.StartRunsAsync("chaos-steps", 1, _ => 3000, RunExpectation.Completed, Cancellation)).Single();
        }

        var victim = await ChaosProbes.WorkerInsideStepAsync(chaos, "slow", TimeSpan.FromMilliseconds(200), Cancellation);
        Assert.Same(first, victim);
        var second = await chaos.Workers.KillAndReplaceAsync(victim, "mid-step, tracing", Cancellation);
        await chaos.Client.GetHandle<int>(runId).GetResultAsync(cancellationToken: Cancellation).WaitAsync(ChaosSettings.CompletionTimeout, Cancellation);

        // The replacement announces a span when it ends; the run's end is written inside its invocation span.
        var secondInvocation = await ChaosProbes.UntilAsync(
            () => Task.FromResult(second.Spans.FirstOrDefault(s => s.RunId == runId && s.Name == "workflow invoke chaos-steps")),
            TimeSpan.FromSeconds(30),
            "the replacement's invocation span",
            Cancellation);

        // Its consumer span ends only after the handler has settled the message, a moment after the invocation.
        var consumer = await ChaosProbes.UntilAsync(
            () => Task.FromResult(second.Spans.FirstOrDefault(s => s.SpanId == secondInvocation.ParentSpanId)),
            TimeSpan.FromSeconds(30),
            "the replacement's consumer span",
            Cancellation);

        var killedSpans = first.Spans.Where(s => s.RunId == runId || s.TraceId == callerTrace).ToArray();
        var replacementSpans = second.Spans.Where(s => s.RunId == runId || s.TraceId == secondInvocation.TraceId).ToArray();

        // The killed worker finished the first two steps before it died; they ran in the caller's trace.
        foreach (var step in new[] { "step first", "step second" })
        {
            var span = Assert.Single(killedSpans, s => s.Name == step && s.RunId == runId);
            Assert.Equal(callerTrace, span.TraceId);
        }

        Assert.DoesNotContain(killedSpans, s => s.Name == "step slow"); // open at the kill: never ended, never announced

        // The replacement redelivered the same message, so its consumer span continues the caller's trace (the
        // message's headers), and its invocation sits under it; either way it links to or is in the start's trace.
        Assert.True(secondInvocation.BelongsTo(callerTrace), $"the replacement's invocation is in trace {secondInvocation.TraceId}, without a link to the caller's {callerTrace}");
        Assert.Equal(ActivityKind.Consumer, consumer.Kind);
        Assert.Equal("process " + new World.Runtime.WorkflowRuntimeOptions().QueueName, consumer.Name);
        Assert.Equal(callerTrace, consumer.TraceId);

        // The interrupted step runs again as a later attempt, and the last step runs, both under the new invocation.
        var slow = Assert.Single(replacementSpans, s => s.Name == "step slow");
        Assert.Equal(secondInvocation.SpanId, slow.ParentSpanId);
        Assert.True(slow.StepAttempt >= 2, $"the re-run slow step is attempt {slow.StepAttempt}, not a later attempt");
        var last = Assert.Single(replacementSpans, s => s.Name == "step last");
        Assert.Equal(secondInvocation.SpanId, last.ParentSpanId);

        // Every span either worker ended for this run is in the caller's trace or links to it.
        Assert.All(killedSpans.Concat(replacementSpans).Where(s => s.RunId == runId), span =>
            Assert.True(span.BelongsTo(callerTrace), $"{span.Name} ({span.Worker}) is in trace {span.TraceId} without a link to {callerTrace}"));
    }
}
