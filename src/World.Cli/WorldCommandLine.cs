using System.CommandLine;
using System.Globalization;
using Npgsql;
using World.Postgres;
using World.Runtime;

namespace World.Cli;

/// <summary>
/// The commands of the <c>world</c> tool. Each one is a thin shell over one call of <see cref="IWorldAdmin"/>: it parses,
/// calls, and prints a table or JSON. Exit codes: <see cref="ExitCodes"/>.
/// </summary>
internal static class WorldCommandLine
{
    /// <summary>The environment variable that holds the connection string when <c>--connection</c> is not given.</summary>
    public const string ConnectionVariable = "WORLD_POSTGRES_CONNECTION";

    private static readonly Option<string?> Connection = new("--connection", "-c")
    {
        Description = $"The PostgreSQL connection string; default: the {ConnectionVariable} environment variable. Never printed.",
        Recursive = true,
    };

    private static readonly Option<string> Schema = new("--schema")
    {
        Description = "The World's schema.",
        DefaultValueFactory = static _ => PostgresWorldOptions.DefaultSchema,
        Recursive = true,
    };

    private static readonly Option<bool> Json = new("--json")
    {
        Description = "Print one JSON document (for scripts) instead of tables.",
        Recursive = true,
    };

    private static readonly Option<string> WorkflowQueue = new("--workflow-queue")
    {
        Description = "The queue that carries workflow invocations (the workers' WorkflowRuntimeOptions.QueueName).",
        DefaultValueFactory = static _ => new WorldAdminOptions().QueueName,
        Recursive = true,
    };

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, Func<string, string?> environment)
    {
        var root = Build(output, environment);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // Parse errors echo tokens of the command line, which may hold the connection string.
            var redactor = new SecretRedactor(parse.GetResult(Connection) is null ? null : parse.GetValue(Connection));
            foreach (var parseError in parse.Errors)
            {
                await error.WriteLineAsync("error: " + redactor.Redact(parseError.Message));
            }

            await error.WriteLineAsync("Run 'world --help' for usage.");
            return ExitCodes.Usage;
        }

        return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = output, Error = error });
    }

    private static RootCommand Build(TextWriter output, Func<string, string?> environment)
    {
        var root = new RootCommand("Operate a World on PostgreSQL: runs, queues, dead letters, schedules, schema and health.")
        {
            Connection,
            Schema,
            Json,
            WorkflowQueue,
        };

        var context = new Context(output, environment);
        root.Subcommands.Add(RunsCommand(context));
        root.Subcommands.Add(QueuesCommand(context));
        root.Subcommands.Add(DeadLettersCommand(context));
        root.Subcommands.Add(SchedulesCommand(context));
        root.Subcommands.Add(MigrateCommand(context));
        root.Subcommands.Add(HealthCommand(context));
        return root;
    }

    private static Command RunsCommand(Context context)
    {
        var runs = new Command("runs", "List, inspect and cancel workflow runs.");

        var status = new Option<RunStatus[]>("--status", "-s") { Description = "Only runs in these statuses (pending, running, completed, failed, cancelled); repeatable.", AllowMultipleArgumentsPerToken = true };
        var workflow = new Option<string?>("--workflow", "-w") { Description = "Only runs of this workflow." };
        var attribute = new Option<string[]>("--attribute", "-a") { Description = "Only runs holding this attribute: key=value; repeatable." };
        var parent = new Option<string?>("--parent") { Description = "Only children of this run." };
        var schedule = new Option<string?>("--schedule") { Description = "Only runs this schedule created." };
        var after = new Option<DateTimeOffset?>("--created-after") { Description = "Only runs created at or after this time (ISO 8601)." };
        var before = new Option<DateTimeOffset?>("--created-before") { Description = "Only runs created before this time (ISO 8601)." };
        var (limit, cursor, ascending) = PagingOptions(RunQuery.DefaultLimit);
        var list = new Command("list", "List runs, newest first.") { status, workflow, attribute, parent, schedule, after, before, limit, cursor, ascending };
        attribute.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                if (!token.Value.Contains('=', StringComparison.Ordinal) || token.Value.StartsWith('='))
                {
                    result.AddError($"--attribute takes key=value; got '{token.Value}'.");
                }
            }
        });
        context.Bind(list, async (parse, session, cancellationToken) =>
        {
            var query = new RunQuery
            {
                Statuses = parse.GetValue(status) is { Length: > 0 } statuses ? statuses : null,
                WorkflowName = parse.GetValue(workflow),
                Attributes = parse.GetValue(attribute) is { Length: > 0 } pairs ? ToAttributes(pairs) : null,
                ParentRunId = parse.GetValue(parent),
                ScheduleId = parse.GetValue(schedule),
                CreatedAfter = parse.GetValue(after),
                CreatedBefore = parse.GetValue(before),
                ResolveData = ResolveData.None,
                Page = Page(parse, limit, cursor, ascending),
            };
            var page = await session.Admin.ListRunsAsync(query, cancellationToken);
            if (session.Output.Json)
            {
                session.Output.WriteJson(new PageView<WorkflowRun>(page.Data, page.Cursor, page.HasMore));
            }
            else
            {
                session.Output.Table(
                    ["Run", "Workflow", "Status", "Created", "Updated", "Error"],
                    page.Data.Select(static run => (IReadOnlyList<string?>)[run.RunId, run.WorkflowName, Format.Status(run.Status), CliOutput.Time(run.CreatedAt), CliOutput.Time(run.UpdatedAt), run.Error is null ? null : Format.Error(run.Error)]));
                WriteMore(session.Output, page.HasMore, page.Cursor);
            }

            return ExitCodes.Ok;
        });

        var runId = RunIdArgument();
        var show = new Command("show", "Show a run: its steps, hooks, waits, children and why it is or is not running.") { runId };
        context.Bind(show, async (parse, session, cancellationToken) =>
        {
            var detail = await session.Admin.GetRunAsync(parse.GetRequiredValue(runId), cancellationToken);
            if (session.Output.Json)
            {
                session.Output.WriteJson(RunDetailView.Of(detail));
                return ExitCodes.Ok;
            }

            var run = detail.Run;
            var properties = new List<(string, string?)>
            {
                ("Run", run.RunId),
                ("Workflow", run.WorkflowName),
                ("Status", Format.Status(run.Status)),
                ("Deployment", run.DeploymentId),
                ("Created", CliOutput.Time(run.CreatedAt)),
                ("Started", CliOutput.Time(run.StartedAt)),
                ("Completed", CliOutput.Time(run.CompletedAt)),
                ("Error", Format.Error(run.Error)),
                ("Events", detail.EventCount.ToString(CultureInfo.InvariantCulture)),
                ("Dispatch", detail.Dispatch is { } dispatch ? Dispatch(dispatch) : "-"),
            };
            properties.AddRange(run.Attributes.OrderBy(static pair => pair.Key, StringComparer.Ordinal).Select(static pair => ($"Attribute {pair.Key}", (string?)pair.Value)));
            session.Output.Properties(properties);
            session.Output.Heading($"Steps ({detail.Steps.Count}{(detail.MoreSteps ? "+" : "")})");
            session.Output.Table(
                ["Step", "Name", "Status", "Attempt", "Started", "Completed", "Duration", "Error"],
                detail.Steps.Select(static step => (IReadOnlyList<string?>)[step.StepId, step.StepName, Format.Status(step.Status), step.Attempt.ToString(CultureInfo.InvariantCulture), CliOutput.Time(step.StartedAt), CliOutput.Time(step.CompletedAt), step.StartedAt is { } started && step.CompletedAt is { } completed ? CliOutput.Age(completed - started) : null, step.Error is null ? null : Format.Error(step.Error)]));
            session.Output.Heading($"Hooks ({detail.Hooks.Count}{(detail.MoreHooks ? "+" : "")})");
            session.Output.Table(["Hook", "Webhook", "Created"], detail.Hooks.Select(static hook => (IReadOnlyList<string?>)[hook.HookId, hook.IsWebhook ? "yes" : "no", CliOutput.Time(hook.CreatedAt)]));
            session.Output.Heading($"Waits ({detail.Waits.Count})");
            session.Output.Table(["Wait", "Status", "Resume at", "Completed"], detail.Waits.Select(static wait => (IReadOnlyList<string?>)[wait.CorrelationId, Format.Status(wait.Status), CliOutput.Time(wait.ResumeAt), CliOutput.Time(wait.CompletedAt)]));
            session.Output.Heading($"Children ({detail.Children.Count}{(detail.MoreChildren ? "+" : "")})");
            session.Output.Table(["Run", "Workflow", "Status", "Created"], detail.Children.Select(static child => (IReadOnlyList<string?>)[child.RunId, child.WorkflowName, Format.Status(child.Status), CliOutput.Time(child.CreatedAt)]));
            return ExitCodes.Ok;
        });

        var eventsRunId = RunIdArgument();
        var (eventLimit, eventCursor, _) = PagingOptions(EventQuery.DefaultLimit);
        var events = new Command("events", "List a run's event log in commit order (no payloads).") { eventsRunId, eventLimit, eventCursor };
        context.Bind(events, async (parse, session, cancellationToken) =>
        {
            var page = await session.Admin.ListRunEventsAsync(parse.GetRequiredValue(eventsRunId), new PageRequest { Limit = parse.GetValue(eventLimit), Cursor = parse.GetValue(eventCursor) }, cancellationToken);
            var views = page.Data.Select(EventView.Of).ToArray();
            if (session.Output.Json)
            {
                session.Output.WriteJson(new PageView<EventView>(views, page.Cursor, page.HasMore));
            }
            else
            {
                session.Output.Table(["Event", "Type", "Entity", "Time"], views.Select(static view => (IReadOnlyList<string?>)[view.EventId, view.EventType, view.CorrelationId, CliOutput.Time(view.CreatedAt)]));
                WriteMore(session.Output, page.HasMore, page.Cursor);
            }

            return ExitCodes.Ok;
        });

        var treeRunId = RunIdArgument();
        var tree = new Command("tree", "Show a run and the runs it started, recursively.") { treeRunId };
        context.Bind(tree, async (parse, session, cancellationToken) =>
        {
            var node = await session.Admin.GetRunTreeAsync(parse.GetRequiredValue(treeRunId), cancellationToken);
            if (session.Output.Json)
            {
                session.Output.WriteJson(node);
            }
            else
            {
                session.Output.Tree(node);
            }

            return ExitCodes.Ok;
        });

        var cancelRunId = RunIdArgument();
        var descendants = new Option<bool>("--descendants") { Description = $"Also cancel every run it started, recursively (at most {RunTreeNode.MaxRuns} runs)." };
        var reason = new Option<string?>("--reason") { Description = "Why, recorded on the run_cancelled event." };
        var cancel = new Command("cancel", "Cancel a run: no new step starts; its hooks are freed. Idempotent.") { cancelRunId, descendants, reason };
        context.Bind(cancel, async (parse, session, cancellationToken) =>
        {
            var result = await session.Admin.CancelRunAsync(parse.GetRequiredValue(cancelRunId), parse.GetValue(descendants), parse.GetValue(reason), cancellationToken);
            if (session.Output.Json)
            {
                session.Output.WriteJson(result);
            }
            else
            {
                session.Output.Line($"Cancelled {result.Cancelled.Count} run(s): {string.Join(", ", result.Cancelled)}");
                if (result.AlreadyEnded.Count > 0)
                {
                    session.Output.Line($"Already ended, left alone: {string.Join(", ", result.AlreadyEnded)}");
                }

                if (result.Truncated)
                {
                    session.Output.Line($"More descendants exist than one call cancels ({RunTreeNode.MaxRuns}); run the command again.");
                }
            }

            return ExitCodes.Ok;
        });

        runs.Subcommands.Add(list);
        runs.Subcommands.Add(show);
        runs.Subcommands.Add(events);
        runs.Subcommands.Add(tree);
        runs.Subcommands.Add(cancel);
        return runs;
    }

    private static Command QueuesCommand(Context context)
    {
        var queues = new Command("queues", "Show every queue's backlog: ready, delayed, leased, dead and the age of the oldest ready message.");
        context.Bind(queues, async (parse, session, cancellationToken) =>
        {
            var stats = (await session.Admin.GetQueuesAsync(cancellationToken)).Select(QueueView.Of).ToArray();
            if (session.Output.Json)
            {
                session.Output.WriteJson(stats);
            }
            else
            {
                session.Output.Table(
                    ["Queue", "Ready", "Delayed", "Leased", "Lease expired", "Dead", "Oldest ready", "Consumers", "In flight", "Ready because"],
                    stats.Select(static q => (IReadOnlyList<string?>)[q.QueueName, CliOutput.Number(q.Ready), CliOutput.Number(q.Delayed), CliOutput.Number(q.Leased), CliOutput.Number(q.LeaseExpired), CliOutput.Number(q.Dead), CliOutput.Age(TimeSpan.FromSeconds(q.OldestReadyAgeSeconds)), CliOutput.Number(q.Consumers), $"{q.InFlight}/{q.Capacity}", q.ReadyReason]));
            }

            return ExitCodes.Ok;
        });
        return queues;
    }

    private static Command DeadLettersCommand(Context context)
    {
        var dlq = new Command("dlq", "List, inspect, replay and purge dead letters.");

        var queue = new Option<string?>("--queue", "-q") { Description = "Only dead letters of this queue." };
        var (limit, cursor, _) = PagingOptions(DeadLetterQuery.DefaultLimit);
        var list = new Command("list", "List dead letters, oldest first.") { queue, limit, cursor };
        context.Bind(list, async (parse, session, cancellationToken) =>
        {
            var page = await session.Admin.ListDeadLettersAsync(new DeadLetterQuery { QueueName = parse.GetValue(queue), Page = new PageRequest { Limit = parse.GetValue(limit), Cursor = parse.GetValue(cursor) } }, cancellationToken);
            var views = page.Data.Select(static letter => DeadLetterView.Of(letter, withPayload: false)).ToArray();
            if (session.Output.Json)
            {
                session.Output.WriteJson(new PageView<DeadLetterView>(views, page.Cursor, page.HasMore));
            }
            else
            {
                session.Output.Table(
                    ["Message", "Queue", "Failures", "Dead since", "Reason"],
                    views.Select(static view => (IReadOnlyList<string?>)[view.MessageId, view.QueueName, $"{view.Failures}/{view.MaxAttempts}", CliOutput.Time(view.DeadLetteredAt), Format.Error(view.Reason)]));
                WriteMore(session.Output, page.HasMore, page.Cursor);
            }

            return ExitCodes.Ok;
        });

        var messageId = new Argument<string>("message-id") { Description = "The dead letter's message id." };
        var payload = new Option<bool>("--payload") { Description = "Include the payload (base64)." };
        var show = new Command("show", "Show one dead letter.") { messageId, payload };
        context.Bind(show, async (parse, session, cancellationToken) =>
        {
            var view = DeadLetterView.Of(await session.Admin.GetDeadLetterAsync(parse.GetRequiredValue(messageId), cancellationToken), parse.GetValue(payload));
            if (session.Output.Json)
            {
                session.Output.WriteJson(view);
            }
            else
            {
                session.Output.Properties(
                [
                    ("Message", view.MessageId),
                    ("Queue", view.QueueName),
                    ("Priority", view.Priority.ToString(CultureInfo.InvariantCulture)),
                    ("Idempotency key", view.IdempotencyKey),
                    ("Attempts", $"{view.Attempts} ({view.Failures} failed of {view.MaxAttempts})"),
                    ("Enqueued", CliOutput.Time(view.EnqueuedAt)),
                    ("Dead since", CliOutput.Time(view.DeadLetteredAt)),
                    ("Reason", Format.Error(view.Reason)),
                    ("Payload bytes", view.PayloadBytes?.ToString(CultureInfo.InvariantCulture)),
                    ("Payload", view.Payload ?? "(use --payload)"),
                ]);
            }

            return ExitCodes.Ok;
        });

        dlq.Subcommands.Add(list);
        dlq.Subcommands.Add(show);
        dlq.Subcommands.Add(BulkCommand(context, "replay", "Send dead letters back to their queues with a fresh attempt budget.", static (admin, selection, cancellationToken) => admin.ReplayDeadLettersAsync(selection, cancellationToken)));
        dlq.Subcommands.Add(BulkCommand(context, "purge", "Delete dead letters.", static (admin, selection, cancellationToken) => admin.PurgeDeadLettersAsync(selection, cancellationToken)));
        return dlq;
    }

    private static Command BulkCommand(Context context, string name, string description, Func<IWorldAdmin, DeadLetterSelection, CancellationToken, Task<DeadLetterBatchResult>> action)
    {
        var queue = new Option<string?>("--queue", "-q") { Description = "Only dead letters of this queue." };
        var ids = new Option<string[]>("--id") { Description = "Only these dead letters; repeatable." };
        var limit = new Option<int>("--limit", "-n") { Description = $"The most dead letters to take (1 to {PageRequest.MaxLimit}); required.", Required = true };
        var yes = new Option<bool>("--yes", "-y") { Description = "Confirm: without it nothing is changed." };
        var command = new Command(name, $"{description} Takes the named ids, or the oldest of --queue (or of every queue), at most --limit; needs --yes.") { queue, ids, limit, yes };
        context.Bind(command, async (parse, session, cancellationToken) =>
        {
            if (!parse.GetValue(yes))
            {
                throw new CliUsageException($"'world dlq {name}' changes dead letters; add --yes to confirm.");
            }

            var result = await action(
                session.Admin,
                new DeadLetterSelection { QueueName = parse.GetValue(queue), MessageIds = parse.GetValue(ids) is { Length: > 0 } named ? named : null, Limit = parse.GetValue(limit) },
                cancellationToken);
            if (session.Output.Json)
            {
                session.Output.WriteJson(result);
            }
            else
            {
                session.Output.Line($"{(name == "replay" ? "Replayed" : "Purged")} {result.Done.Count} dead letter(s).");
                foreach (var (id, code) in result.Failed)
                {
                    session.Output.Line($"Not {(name == "replay" ? "replayed" : "purged")}: {id} ({code})");
                }

                if (result.HasMore)
                {
                    session.Output.Line("More dead letters match; run the command again.");
                }
            }

            return result.Failed.Count == 0 ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }

    private static Command SchedulesCommand(Context context)
    {
        var schedules = new Command("schedules", "List, inspect, enable, disable, trigger and preview schedules.");

        var workflow = new Option<string?>("--workflow", "-w") { Description = "Only schedules of this workflow." };
        var (limit, cursor, _) = PagingOptions(ScheduleQuery.DefaultLimit);
        var list = new Command("list", "List schedules by id.") { workflow, limit, cursor };
        context.Bind(list, async (parse, session, cancellationToken) =>
        {
            var page = await session.Admin.ListSchedulesAsync(new ScheduleQuery { WorkflowName = parse.GetValue(workflow), Page = new PageRequest { Limit = parse.GetValue(limit), Cursor = parse.GetValue(cursor) } }, cancellationToken);
            if (session.Output.Json)
            {
                session.Output.WriteJson(new PageView<Schedule>(page.Data, page.Cursor, page.HasMore));
            }
            else
            {
                session.Output.Table(
                    ["Schedule", "Workflow", "Timing", "Enabled", "Next", "Last fired", "Last run"],
                    page.Data.Select(static s => (IReadOnlyList<string?>)[s.ScheduleId, s.Definition.WorkflowName, Timing(s.Definition), s.State.Enabled ? "yes" : "no", CliOutput.Time(s.State.NextNominalAt), CliOutput.Time(s.State.LastFiredAt), s.State.LastRunId]));
                WriteMore(session.Output, page.HasMore, page.Cursor);
            }

            return ExitCodes.Ok;
        });

        var showId = ScheduleIdArgument();
        var show = new Command("show", "Show a schedule with its next ticks and latest fires.") { showId };
        context.Bind(show, async (parse, session, cancellationToken) =>
        {
            var detail = await session.Admin.GetScheduleAsync(parse.GetRequiredValue(showId), cancellationToken);
            if (session.Output.Json)
            {
                session.Output.WriteJson(detail);
                return ExitCodes.Ok;
            }

            var schedule = detail.Schedule;
            session.Output.Properties(
            [
                ("Schedule", schedule.ScheduleId),
                ("Workflow", schedule.Definition.WorkflowName),
                ("Timing", Timing(schedule.Definition)),
                ("Enabled", schedule.State.Enabled ? "yes" : "no"),
                ("Pause note", schedule.State.PauseNote),
                ("Last fired", CliOutput.Time(schedule.State.LastFiredAt)),
                ("Last run", schedule.State.LastRunId),
                ("Last outcome", schedule.State.LastOutcome),
            ]);
            session.Output.Heading("Next ticks");
            session.Output.Table(["Nominal time"], detail.NextTicks.Select(static tick => (IReadOnlyList<string?>)[CliOutput.Time(tick)]));
            session.Output.Heading("Latest fires");
            session.Output.Table(["Nominal time", "Kind", "Status", "Run", "Skip reason"], detail.RecentFires.Select(static fire => (IReadOnlyList<string?>)[CliOutput.Time(fire.NominalAt), fire.Kind.ToString().ToLowerInvariant(), fire.Status.ToString().ToLowerInvariant(), fire.RunId, fire.SkipReason]));
            return ExitCodes.Ok;
        });

        var enableId = ScheduleIdArgument();
        var enable = new Command("enable", "Enable (resume) a schedule; ticks missed while disabled are not caught up.") { enableId };
        context.Bind(enable, (parse, session, cancellationToken) => WriteScheduleAsync(session, session.Admin.SetScheduleEnabledAsync(parse.GetRequiredValue(enableId), enabled: true, cancellationToken: cancellationToken)));

        var disableId = ScheduleIdArgument();
        var note = new Option<string?>("--note") { Description = "Why, kept on the schedule." };
        var disable = new Command("disable", "Disable (pause) a schedule.") { disableId, note };
        context.Bind(disable, (parse, session, cancellationToken) => WriteScheduleAsync(session, session.Admin.SetScheduleEnabledAsync(parse.GetRequiredValue(disableId), enabled: false, parse.GetValue(note), cancellationToken)));

        var triggerId = ScheduleIdArgument();
        var trigger = new Command("trigger", "Add a manual fire due now; a running scheduler creates its run.") { triggerId };
        context.Bind(trigger, async (parse, session, cancellationToken) =>
        {
            var fire = await session.Admin.TriggerScheduleAsync(parse.GetRequiredValue(triggerId), cancellationToken);
            if (session.Output.Json)
            {
                session.Output.WriteJson(fire);
            }
            else
            {
                session.Output.Line($"Fire {fire.Key} of schedule {fire.ScheduleId} is due at {CliOutput.Time(fire.FireAt)}; run id {fire.RunId ?? "(chosen by the scheduler)"}.");
            }

            return ExitCodes.Ok;
        });

        var previewId = ScheduleIdArgument();
        var count = new Option<int>("--count") { Description = "How many ticks.", DefaultValueFactory = static _ => ScheduleDetail.Count };
        var preview = new Command("preview", "Show the next nominal tick times.") { previewId, count };
        context.Bind(preview, async (parse, session, cancellationToken) =>
        {
            var ticks = await session.Admin.PreviewScheduleAsync(parse.GetRequiredValue(previewId), parse.GetValue(count), cancellationToken);
            if (session.Output.Json)
            {
                session.Output.WriteJson(ticks);
            }
            else
            {
                session.Output.Table(["Nominal time"], ticks.Select(static tick => (IReadOnlyList<string?>)[CliOutput.Time(tick)]));
            }

            return ExitCodes.Ok;
        });

        schedules.Subcommands.Add(list);
        schedules.Subcommands.Add(show);
        schedules.Subcommands.Add(enable);
        schedules.Subcommands.Add(disable);
        schedules.Subcommands.Add(trigger);
        schedules.Subcommands.Add(preview);
        return schedules;
    }

    private static Command MigrateCommand(Context context)
    {
        var status = new Option<bool>("--status") { Description = "Only report the schema status; exit 1 when migrations are pending." };
        var migrate = new Command("migrate", "Apply pending schema migrations (safe to run from several places at once).") { status };
        context.Bind(migrate, async (parse, session, cancellationToken) =>
        {
            var onlyStatus = parse.GetValue(status);
            var result = onlyStatus ? await session.Admin.GetSchemaStatusAsync(cancellationToken) : await session.Admin.MigrateAsync(cancellationToken);
            if (session.Output.Json)
            {
                session.Output.WriteJson(result);
            }
            else
            {
                session.Output.Line(result.IsCurrent
                    ? $"Schema is current at version {result.CurrentVersion} (this build knows {result.LatestVersion})."
                    : $"Schema is at version {result.CurrentVersion}; this build needs {result.LatestVersion}. Pending: {string.Join(", ", result.PendingMigrations)}.");
            }

            return result.IsCurrent ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return migrate;
    }

    private static Command HealthCommand(Context context)
    {
        var health = new Command("health", "Check that the World answers and its schema is current; exit 1 when not.");
        context.Bind(health, async (parse, session, cancellationToken) =>
        {
            var report = await session.Admin.CheckHealthAsync(cancellationToken);
            var problems = report.Problems.Select(session.Redactor.Redact).ToArray();
            if (session.Output.Json)
            {
                session.Output.WriteJson(new HealthView(report.Healthy, problems, report.Schema, [.. report.Queues.Select(QueueView.Of)]));
            }
            else if (report.Healthy)
            {
                session.Output.Line($"Healthy. Schema {(report.Schema is { Managed: true } schema ? $"version {schema.CurrentVersion}" : "not versioned")}; {report.Queues.Count} queue(s), {report.Queues.Sum(static q => q.DeadLettered)} dead letter(s).");
            }
            else
            {
                foreach (var problem in problems)
                {
                    session.Output.Line("Unhealthy: " + problem);
                }
            }

            return report.Healthy ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return health;
    }

    private static async Task<int> WriteScheduleAsync(Session session, Task<Schedule> change)
    {
        var schedule = await change;
        if (session.Output.Json)
        {
            session.Output.WriteJson(schedule);
        }
        else
        {
            session.Output.Line($"Schedule {schedule.ScheduleId} is {(schedule.State.Enabled ? "enabled" : "disabled")}; next tick {CliOutput.Time(schedule.State.NextNominalAt)}.");
        }

        return ExitCodes.Ok;
    }

    private static string Dispatch(DispatchStatus dispatch)
    {
        var text = $"{dispatch.Code}: {dispatch.Description}";
        if (dispatch.LeaseOwner is { } owner)
        {
            text += $" Lease owner: {owner}.";
        }

        if (dispatch.Until is { } until)
        {
            text += $" Until {CliOutput.Time(until)}.";
        }

        return text + $" Attempts: {dispatch.Attempt} ({dispatch.Failures} failed).";
    }

    private static string Timing(ScheduleDefinition definition) =>
        definition.Cron is { } cron ? $"cron '{cron}' {definition.TimeZone}" : definition.Interval is { } interval ? $"every {interval}" : "-";

    private static Argument<string> RunIdArgument() => new("run-id") { Description = "The run id (wrun_…)." };

    private static Argument<string> ScheduleIdArgument() => new("schedule-id") { Description = "The schedule id." };

    private static (Option<int?> Limit, Option<string?> Cursor, Option<bool> Ascending) PagingOptions(int defaultLimit)
    {
        var limit = new Option<int?>("--limit", "-n") { Description = $"Page size (default {defaultLimit}, at most {PageRequest.MaxLimit})." };
        var cursor = new Option<string?>("--cursor") { Description = "The cursor printed by the previous page." };
        var ascending = new Option<bool>("--ascending") { Description = "Oldest first." };
        return (limit, cursor, ascending);
    }

    private static PageRequest Page(ParseResult parse, Option<int?> limit, Option<string?> cursor, Option<bool> ascending) => new()
    {
        Limit = parse.GetValue(limit),
        Cursor = parse.GetValue(cursor),
        SortOrder = parse.GetValue(ascending) ? SortOrder.Ascending : null,
    };

    private static Dictionary<string, string> ToAttributes(string[] pairs)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var split = pair.Split('=', 2);
            if (!attributes.TryAdd(split[0], split[1]))
            {
                throw new CliUsageException($"--attribute names '{split[0]}' twice.");
            }
        }

        return attributes;
    }

    private static void WriteMore(CliOutput output, bool hasMore, string? cursor)
    {
        if (hasMore)
        {
            output.Line($"More: --cursor {cursor}");
        }
    }

    /// <summary>One invocation's World, admin API, output and redactor.</summary>
    private sealed record Session(IWorldAdmin Admin, CliOutput Output, SecretRedactor Redactor);

    /// <summary>Opens the World for a command, runs it, and turns failures into messages and exit codes.</summary>
    private sealed class Context(TextWriter output, Func<string, string?> environment)
    {
        public void Bind(Command command, Func<ParseResult, Session, CancellationToken, Task<int>> body) =>
            command.SetAction((parse, cancellationToken) => RunAsync(parse, body, cancellationToken));

        private async Task<int> RunAsync(ParseResult parse, Func<ParseResult, Session, CancellationToken, Task<int>> body, CancellationToken cancellationToken)
        {
            var connectionString = parse.GetValue(Connection) ?? environment(ConnectionVariable);
            var redactor = new SecretRedactor(connectionString);
            var error = parse.InvocationConfiguration.Error;
            try
            {
                if (string.IsNullOrWhiteSpace(connectionString))
                {
                    throw new CliUsageException($"No connection: pass --connection or set {ConnectionVariable}.");
                }

                var options = new PostgresWorldOptions { ConnectionString = connectionString, Schema = parse.GetRequiredValue(Schema), MigrateOnStart = false };
                PostgresWorld world;
                try
                {
                    world = new PostgresWorld(options);
                }
                catch (ArgumentException invalid)
                {
                    throw new CliUsageException("The connection string is not valid: " + invalid.Message);
                }

                await using (world)
                {
                    var admin = new WorldAdmin(world, new WorldAdminOptions { QueueName = parse.GetRequiredValue(WorkflowQueue) });
                    return await body(parse, new Session(admin, new CliOutput(parse.GetValue(Json), output), redactor), cancellationToken);
                }
            }
            catch (CliUsageException usage)
            {
                await error.WriteLineAsync("error: " + redactor.Redact(usage.Message));
                return ExitCodes.Usage;
            }
            catch (WorldValidationException invalid)
            {
                await error.WriteLineAsync($"error: {redactor.Redact(invalid.Message)}");
                return ExitCodes.Usage;
            }
            catch (WorldConfigurationException configuration)
            {
                await error.WriteLineAsync($"error: the World is misconfigured ({configuration.Code}): {redactor.Redact(WorldFaults.Describe(configuration))}");
                return ExitCodes.Failed;
            }
            catch (WorldException failed)
            {
                await error.WriteLineAsync($"error [{failed.Code}]: {redactor.Redact(WorldFaults.Describe(failed))}");
                return ExitCodes.Failed;
            }
            catch (NpgsqlException database)
            {
                await error.WriteLineAsync($"error: cannot use the database: {redactor.Redact(WorldFaults.Describe(database))}");
                return ExitCodes.Failed;
            }
            catch (TimeoutException timeout)
            {
                await error.WriteLineAsync($"error: the database did not answer in time: {redactor.Redact(timeout.Message)}");
                return ExitCodes.Failed;
            }
        }
    }
}
