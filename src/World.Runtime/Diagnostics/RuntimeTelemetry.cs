using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;
using World.Diagnostics;

namespace World.Runtime.Diagnostics;

/// <summary>
/// The <see cref="ActivitySource"/> and <see cref="Meter"/> of the runtime (<see cref="WorldTelemetry.RuntimeSourceName"/>)
/// and what it records. Run ids go on spans only, never on metrics: a metric label per run would grow without bound.
/// Every recording checks for a listener first, so a runtime that nobody observes builds no tags and no spans.
/// </summary>
internal static class RuntimeTelemetry
{
    public const string RunIdTag = "world.run.id";
    public const string WorkflowTag = "world.workflow.name";
    public const string StepNameTag = "world.step.name";
    public const string StepAttemptTag = "world.step.attempt";
    public const string OutcomeTag = "world.outcome";
    public const string ErrorTypeTag = "error.type";

    public static readonly string Version = WorldTelemetry.VersionOf(typeof(RuntimeTelemetry).Assembly);

    public static readonly ActivitySource Source = new(WorldTelemetry.RuntimeSourceName, Version);

    public static readonly Meter Meter = new(WorldTelemetry.RuntimeSourceName, Version);

    public static readonly Counter<long> RunsStarted = Meter.CreateCounter<long>(
        "world.runtime.runs.started", "{run}", "Runs this runtime moved from pending to running.");

    public static readonly Counter<long> RunsCompleted = Meter.CreateCounter<long>(
        "world.runtime.runs.completed", "{run}", "Runs this runtime completed.");

    public static readonly Counter<long> RunsFailed = Meter.CreateCounter<long>(
        "world.runtime.runs.failed", "{run}", "Runs this runtime failed, by error code.");

    public static readonly Counter<long> RunsCancelled = Meter.CreateCounter<long>(
        "world.runtime.runs.cancelled", "{run}", "Runs cancelled through this runtime's client.");

    public static readonly Histogram<double> RunDuration = Meter.CreateHistogram(
        "world.runtime.run.duration", "s", "From a run's creation to its end (completed, failed or cancelled), sleeps and waits included.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600, 21600, 86400, 604800] });

    public static readonly Counter<long> StepAttempts = Meter.CreateCounter<long>(
        "world.runtime.step.attempts", "{attempt}", "Step attempts run, by outcome (completed, retrying, failed).");

    public static readonly Histogram<double> StepDuration = Meter.CreateHistogram(
        "world.runtime.step.duration", "s", "Duration of one step attempt, from its start to its recorded outcome.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300] });

    public static readonly UpDownCounter<long> RunsActive = Meter.CreateUpDownCounter<long>(
        "world.runtime.runs.active", "{run}", "Runs with an invocation executing in this runtime now (workflow code or a step running); sleeping and waiting runs are not active.");

    public static readonly Histogram<double> TimeToFirstStep = Meter.CreateHistogram(
        "world.runtime.run.first_step.delay", "s", "From a run's creation to the start of its first step (World clock): queueing, pickup and the workflow code before it.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600] });

    /// <summary>An invocation of a registered workflow begins; returns whether it was counted (a listener was attached).</summary>
    public static bool InvocationBegan(string workflowName)
    {
        if (!RunsActive.Enabled)
        {
            return false;
        }

        RunsActive.Add(1, new KeyValuePair<string, object?>(WorkflowTag, workflowName));
        return true;
    }

    /// <summary>
    /// The invocation ended; only an invocation that was counted is uncounted, so a listener attached mid-invocation
    /// never sees the gauge go below zero.
    /// </summary>
    public static void InvocationEnded(string workflowName, bool counted)
    {
        if (counted)
        {
            RunsActive.Add(-1, new KeyValuePair<string, object?>(WorkflowTag, workflowName));
        }
    }

    /// <summary>A run's first step started: how long after the run's creation (both World timestamps).</summary>
    public static void FirstStepStarted(string workflowName, TimeSpan sinceRunCreated)
    {
        if (TimeToFirstStep.Enabled)
        {
            TimeToFirstStep.Record(Math.Max(0, sinceRunCreated.TotalSeconds), new KeyValuePair<string, object?>(WorkflowTag, workflowName));
        }
    }

    /// <summary>
    /// Starts the Producer span of an enqueue of run invocations (<c>send {queue}</c>); its context goes into the
    /// messages' headers, so the consumer's <c>process</c> span is its child.
    /// </summary>
    public static Activity? StartSend(string queueName, int count)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity("send " + queueName, ActivityKind.Producer);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.system", WorldTelemetry.MessagingSystem);
            activity.SetTag("messaging.operation.type", "send");
            activity.SetTag("messaging.operation.name", "send");
            activity.SetTag("messaging.destination.name", queueName);
            if (count > 1)
            {
                activity.SetTag("messaging.batch.message_count", count);
            }
        }

        return activity;
    }

    /// <summary>Starts the span of one invocation of a run; it is named once the run, and so its workflow, is read.</summary>
    public static Activity? StartInvocation(string runId)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity("workflow invoke");
        activity?.SetTag(RunIdTag, runId);
        return activity;
    }

    /// <summary>The run of the current invocation is read: names its span and counts the start when this invocation wrote it.</summary>
    public static void RunLoaded(WorkflowRun run, bool startedNow)
    {
        if (Activity.Current is { } activity && activity.Source == Source && activity.OperationName == "workflow invoke")
        {
            activity.DisplayName = "workflow invoke " + run.WorkflowName;
            activity.SetTag(WorkflowTag, run.WorkflowName);

            // Every invocation links to the trace the run was started in, even when its message carried no context
            // (recovery at worker start) or its first worker crashed: the start is recorded on the run itself.
            var start = WorldTraceContext.ExtractFromRun(run.Attributes);
            if (start != default && start.TraceId != activity.TraceId)
            {
                activity.AddLink(new ActivityLink(start));
            }
        }

        if (startedNow && RunsStarted.Enabled)
        {
            RunsStarted.Add(1, new KeyValuePair<string, object?>(WorkflowTag, run.WorkflowName));
        }
    }

    /// <summary>Ends an invocation span: ended (the run reached a terminal state), suspended, or failed with the exception.</summary>
    public static void EndInvocation(Activity? activity, string outcome, Exception? exception = null)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag(OutcomeTag, outcome);
        if (exception is not null)
        {
            activity.SetTag(ErrorTypeTag, exception.GetType().FullName);
            activity.SetStatus(ActivityStatusCode.Error, exception.Message);
        }

        activity.Dispose();
    }

    /// <summary>A run's terminal event was written by this runtime.</summary>
    public static void RunEnded(string workflowName, string? errorCode, TimeSpan? duration = null)
    {
        if (duration is { } elapsed && RunDuration.Enabled)
        {
            RunDuration.Record(
                Math.Max(0, elapsed.TotalSeconds),
                new KeyValuePair<string, object?>(WorkflowTag, workflowName),
                new KeyValuePair<string, object?>(OutcomeTag, errorCode is null ? "completed" : "failed"));
        }

        if (errorCode is null)
        {
            if (RunsCompleted.Enabled)
            {
                RunsCompleted.Add(1, new KeyValuePair<string, object?>(WorkflowTag, workflowName));
            }
        }
        else if (RunsFailed.Enabled)
        {
            RunsFailed.Add(1, new KeyValuePair<string, object?>(WorkflowTag, workflowName), new KeyValuePair<string, object?>(ErrorTypeTag, errorCode));
        }
    }

    /// <summary>A run was cancelled through this runtime's client.</summary>
    public static void RunCancelled(string workflowName, TimeSpan duration)
    {
        if (RunsCancelled.Enabled)
        {
            RunsCancelled.Add(1, new KeyValuePair<string, object?>(WorkflowTag, workflowName));
        }

        if (RunDuration.Enabled)
        {
            RunDuration.Record(Math.Max(0, duration.TotalSeconds), new KeyValuePair<string, object?>(WorkflowTag, workflowName), new KeyValuePair<string, object?>(OutcomeTag, "cancelled"));
        }
    }

    /// <summary>Starts the <c>step {name}</c> span of one step attempt, current while the step's body runs.</summary>
    public static Activity? StartStep(string runId, string workflowName, string stepId, string stepName, int attempt)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity("step " + StepLabel(stepName));
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(RunIdTag, runId);
            activity.SetTag(WorkflowTag, workflowName);
            activity.SetTag(StepNameTag, stepName);
            activity.SetTag("world.step.id", stepId);
            activity.SetTag(StepAttemptTag, attempt);
        }

        return activity;
    }

    /// <summary>Ends a step attempt: its span and its metrics, labelled by workflow, step and outcome.</summary>
    public static void EndStep(Activity? activity, long startTimestamp, string workflowName, string stepName, EventData outcome)
    {
        var (label, error) = outcome switch
        {
            StepCompleted => ("completed", null),
            StepRetrying retrying => ("retrying", retrying.Error),
            StepFailed failed => ("failed", failed.Error),
            _ => ("cancelled", null),
        };
        if (StepAttempts.Enabled || StepDuration.Enabled)
        {
            var tags = new TagList
            {
                { WorkflowTag, workflowName },
                { StepNameTag, StepLabel(stepName) },
                { OutcomeTag, label },
            };
            StepAttempts.Add(1, tags);
            StepDuration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, tags);
        }

        if (activity is null)
        {
            return;
        }

        activity.SetTag(OutcomeTag, label);
        if (error is not null)
        {
            activity.SetTag(ErrorTypeTag, error.Code ?? "_OTHER");
            activity.SetStatus(ActivityStatusCode.Error, error.Message);
        }

        activity.Dispose();
    }

    /// <summary>
    /// The step name as a low-cardinality label: the runtime's own steps carry a stream or workflow name after a colon
    /// (<c>$stream-write:orders</c>), which is cut off; user step names are used as written, so keep them static.
    /// </summary>
    public static string StepLabel(string stepName)
    {
        if (stepName.StartsWith('$'))
        {
            var colon = stepName.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? stepName : stepName[..colon];
        }

        return stepName;
    }
}
