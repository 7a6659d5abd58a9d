using System.Diagnostics.CodeAnalysis;
namespace World.Backends;

/// <summary>
/// The one implementation of the event rules. Every backend calls it, so no backend re-implements a transition.
/// </summary>
/// <remarks>
/// <para>A backend's write path is:</para>
/// <list type="number">
/// <item><see cref="Prepare"/>: stateless validation (ids, required fields, sizes, spec version); resolves the run id.</item>
/// <item>Lock the run (per-run serialization) and load the <see cref="EventSnapshot"/> the prepared event asks for.</item>
/// <item><see cref="Decide"/>: a pure function of the snapshot, the request and the clock.</item>
/// <item>Commit the <see cref="EventPlan"/> atomically (events and entity changes), using unique constraints as the
/// final guard; on a lost race, reload the snapshot and decide again.</item>
/// <item>Return <see cref="EventPlan.Result"/> shaped by <see cref="DataResolution"/>.</item>
/// </list>
/// <para>Timestamps are truncated to whole microseconds so that every backend (PostgreSQL stores microseconds)
/// returns the same values it stored.</para>
/// </remarks>
[Experimental(BackendApi.DiagnosticId, Message = BackendApi.Message)]
public sealed class EventRules
{
    /// <summary>The most runs one <see cref="IEventStore.CreateRunsAsync"/> call may create.</summary>
    public const int MaxRunBatch = WorldLimits.MaxRunBatch;

    /// <summary>The longest cancel reason, in UTF-8 bytes.</summary>
    public const int MaxCancelReasonBytes = 512;
    private const int MaxExecutionContextEntries = 256;

    private readonly EventRulesOptions _options;

    /// <summary>Creates the rules with the given bounds.</summary>
    public EventRules(EventRulesOptions? options = null)
    {
        _options = options ?? EventRulesOptions.Default;
    }

    /// <summary>The bounds in force.</summary>
    public EventRulesOptions Options => _options;

    /// <summary>Truncates a clock reading to whole microseconds, the resolution every backend stores.</summary>
    public static DateTimeOffset Normalize(DateTimeOffset time) =>
        new(time.UtcTicks - (time.UtcTicks % 10), TimeSpan.Zero);

    /// <summary>Reads the clock at the resolution every backend stores.</summary>
    public static DateTimeOffset Now(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        return Normalize(timeProvider.GetUtcNow());
    }

    /// <summary>
    /// Validates everything that does not depend on stored state, resolves the run id (minting one for
    /// <c>run_created</c> without a run id) and describes the snapshot <see cref="Decide"/> needs.
    /// </summary>
    /// <exception cref="WorldException">The request is invalid; nothing may be written.</exception>
    public PreparedEvent Prepare(string? runId, EventRequest? request, DateTimeOffset now)
    {
        if (request?.Data is null)
        {
            throw new WorldValidationException("An event request with event data is required.", "request");
        }

        now = Normalize(now);
        var type = request.EventType;
        var specVersion = request.SpecVersion ?? SpecVersions.Current;
        if (specVersion is < SpecVersions.MinSupported or > SpecVersions.Current)
        {
            throw new RunNotSupportedException(specVersion);
        }

        string resolvedRunId;
        if (type == EventType.RunCreated)
        {
            resolvedRunId = runId is null ? WorldIds.NewRunId(now) : IdValidation.RequireClientRunId(runId, now);
        }
        else
        {
            if (runId is null)
            {
                throw new WorldValidationException($"runId is required for {type.ToWireName()} events; only run_created may omit it.", "runId");
            }

            resolvedRunId = IdValidation.RequireSafeId(runId, "runId");
        }

        var target = TargetOf(type);
        ValidateCorrelationId(request, type, target);
        ValidateData(request.Data);

        var uniqueCorrelation = type switch
        {
            EventType.StepCreated or EventType.HookCreated or EventType.WaitCreated => true,
            EventType.AttrSet => request.CorrelationId is not null && ((AttrSet)request.Data).Writer.IsWorkflow,
            _ => false,
        };

        return new PreparedEvent
        {
            RunId = resolvedRunId,
            Request = request,
            SpecVersion = specVersion,
            Target = target,
            RequiresUniqueCorrelation = uniqueCorrelation,
            Token = request.Data is HookCreated hookCreated ? hookCreated.Token : null,
        };
    }

    /// <summary>
    /// Prepares and decides every <c>run_created</c> of a batched submission, as if each named a free id: the plans a
    /// backend commits together. Validation fails the whole batch, naming the offending entry.
    /// </summary>
    /// <exception cref="WorldException">The list is missing or too long, or an entry is invalid; nothing may be written.</exception>
    public IReadOnlyList<EventPlan> PlanRunCreations(IReadOnlyList<RunCreationRequest> runs, DateTimeOffset now)
    {
        if (runs is null)
        {
            throw new WorldValidationException("A list of runs is required.", "runs");
        }

        if (runs.Count > MaxRunBatch)
        {
            throw new WorldValidationException($"A batch creates at most {MaxRunBatch} runs, got {runs.Count}.", "runs");
        }

        var plans = new EventPlan[runs.Count];
        for (var i = 0; i < runs.Count; i++)
        {
            var run = runs[i] ?? throw new WorldValidationException($"Run {i} of the batch is null.", "runs");
            try
            {
                var prepared = Prepare(run.RunId, new EventRequest(run.Data) { SpecVersion = run.SpecVersion }, now);
                plans[i] = Decide(prepared, EventSnapshot.Missing, now).PlanOrThrow();
            }
            catch (WorldValidationException invalid)
            {
                throw new WorldValidationException($"Run {i} of the batch: {invalid.Message}", $"runs[{i}].{invalid.Field}");
            }
        }

        return plans;
    }

    /// <summary>The refusal of a <c>run_created</c> whose run id is taken.</summary>
    public static EntityConflictException RunIdTaken(string runId) => new($"Workflow run '{runId}' already exists.");

    /// <summary>
    /// The result of one entry of <see cref="IEventStore.CreateRunsAsync"/> once the backend knows whether its run was
    /// inserted: the plan's result shaped for the caller, or <see cref="RunIdTaken"/>.
    /// </summary>
    public static RunCreationResult RunCreationOutcome(EventPlan plan, bool created, ResolveData resolveData)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return created
            ? new RunCreationResult { RunId = plan.RunId, Result = DataResolution.Apply(plan.Result, resolveData) }
            : new RunCreationResult { RunId = plan.RunId, Error = RunIdTaken(plan.RunId) };
    }

    /// <summary>
    /// Decides a prepared event against the current state: returns the plan to commit, or the typed rejection.
    /// Pure: the same inputs give the same decision, apart from freshly minted ids.
    /// </summary>
    public EventDecision Decide(PreparedEvent prepared, EventSnapshot snapshot, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        ArgumentNullException.ThrowIfNull(snapshot);
        var context = new DecisionContext(prepared, snapshot, Normalize(now), _options);
        try
        {
            return EventDecision.Accept(context.Decide());
        }
        catch (WorldException rejection)
        {
            return EventDecision.Reject(rejection);
        }
    }

    private static SnapshotTarget TargetOf(EventType type) => type switch
    {
        EventType.StepCreated or EventType.StepStarted or EventType.StepCompleted or EventType.StepFailed or EventType.StepRetrying => SnapshotTarget.Step,
        EventType.HookCreated or EventType.HookReceived or EventType.HookDisposed or EventType.HookConflict => SnapshotTarget.Hook,
        EventType.WaitCreated or EventType.WaitCompleted => SnapshotTarget.Wait,
        _ => SnapshotTarget.None,
    };

    private static void ValidateCorrelationId(EventRequest request, EventType type, SnapshotTarget target)
    {
        if (target != SnapshotTarget.None)
        {
            IdValidation.RequireSafeId(request.CorrelationId, "correlationId");
        }
        else if (type == EventType.AttrSet)
        {
            if (request.CorrelationId is not null)
            {
                IdValidation.RequireSafeId(request.CorrelationId, "correlationId");
            }
        }
        else if (request.CorrelationId is not null)
        {
            throw new WorldValidationException($"{type.ToWireName()} events belong to the run and take no correlationId.", "correlationId");
        }
    }

    private void ValidateData(EventData data)
    {
        switch (data)
        {
            case RunCreated created:
                IdValidation.RequireName(created.DeploymentId, "deploymentId");
                IdValidation.RequireName(created.WorkflowName, "workflowName");
                RequirePayload(created.Input, "input");
                ValidateExecutionContext(created.ExecutionContext);
                AttributeRules.ValidateInitial(created.Attributes, created.AllowReservedAttributes);
                break;
            case RunStarted started:
                IdValidation.OptionalName(started.DeploymentId, "deploymentId");
                IdValidation.OptionalName(started.WorkflowName, "workflowName");
                CheckSize(started.Input, "input");
                ValidateExecutionContext(started.ExecutionContext);
                AttributeRules.ValidateInitial(started.Attributes, started.AllowReservedAttributes);
                break;
            case RunCompleted completed:
                CheckSize(completed.Output, "output");
                break;
            case RunFailed failed:
                RequireError(failed.Error);
                TextRules.RequireWellFormed(failed.ErrorCode, "errorCode");
                break;
            case RunCancelled cancelled:
                TextRules.RequireText(cancelled.CancelReason, "cancelReason", MaxCancelReasonBytes);
                break;
            case AttrSet attrSet:
                if (attrSet.Writer is null || string.IsNullOrEmpty(attrSet.Writer.Type))
                {
                    throw new WorldValidationException("attr_set requires a writer.", "writer");
                }

                IdValidation.RequireKey(attrSet.Writer.Type, "writer.type", IdValidation.MaxKeyBytes);
                if (attrSet.Writer.StepId is not null)
                {
                    IdValidation.RequireSafeId(attrSet.Writer.StepId, "writer.stepId");
                }

                AttributeRules.ValidateChangeSet(attrSet.Changes, attrSet.AllowReservedAttributes);
                break;
            case StepCreated stepCreated:
                IdValidation.RequireName(stepCreated.StepName, "stepName");
                IdValidation.OptionalName(stepCreated.WorkflowName, "workflowName");
                RequirePayload(stepCreated.Input, "input");
                break;
            case StepStarted started:
                if (started.Input is not null)
                {
                    IdValidation.RequireName(started.StepName, "stepName");
                }
                else
                {
                    IdValidation.OptionalName(started.StepName, "stepName");
                }

                IdValidation.OptionalName(started.WorkflowName, "workflowName");
                CheckSize(started.Input, "input");
                break;
            case StepCompleted stepCompleted:
                RequirePayload(stepCompleted.Result, "result");
                break;
            case StepFailed stepFailed:
                RequireError(stepFailed.Error);
                break;
            case StepRetrying stepRetrying:
                RequireError(stepRetrying.Error);
                break;
            case HookCreated hookCreated:
                IdValidation.RequireName(hookCreated.Token, "token");
                CheckSize(hookCreated.Metadata, "metadata");
                break;
            case HookReceived hookReceived:
                RequirePayload(hookReceived.Payload, "payload");
                IdValidation.OptionalName(hookReceived.Token, "token");
                break;
            case HookDisposed hookDisposed:
                IdValidation.OptionalName(hookDisposed.Token, "token");
                break;
            case HookConflict:
                throw new WorldValidationException("hook_conflict is written by the World only and cannot be created by callers.", "eventType");
        }
    }

    private void RequirePayload(ReadOnlyMemory<byte>? payload, string field)
    {
        if (payload is null)
        {
            throw new WorldValidationException($"{field} is required (an empty payload is allowed, an absent one is not).", field);
        }

        CheckSize(payload, field);
    }

    private void CheckSize(ReadOnlyMemory<byte>? payload, string field)
    {
        if (payload is { Length: var length } && length > _options.MaxPayloadBytes)
        {
            throw new PayloadTooLargeException(field, length, _options.MaxPayloadBytes);
        }
    }

    private void RequireError(StructuredError? error) => ValidateError(error, "error", _options.MaxPayloadBytes);

    /// <summary>
    /// Validates a structured error (events and queue failures): a message is required, every text must be
    /// well-formed Unicode (NUL and other control characters are kept: errors are stored as JSON, which escapes
    /// them), and the whole error is bounded by <paramref name="maxBytes"/>.
    /// </summary>
    /// <exception cref="WorldException">The error is missing, not valid Unicode, or too large.</exception>
    public static void ValidateError(StructuredError? error, string field, long maxBytes)
    {
        if (error?.Message is null)
        {
            throw new WorldValidationException("error with a message is required.", field);
        }

        TextRules.RequireWellFormed(error.Message, field + ".message");
        TextRules.RequireWellFormed(error.Stack, field + ".stack");
        TextRules.RequireWellFormed(error.Code, field + ".code");
        long size = (long)error.Message.Length + (error.Stack?.Length ?? 0) + (error.Code?.Length ?? 0);
        if (size * sizeof(char) > maxBytes)
        {
            throw new PayloadTooLargeException(field, size * sizeof(char), maxBytes);
        }
    }

    private static void ValidateExecutionContext(IReadOnlyDictionary<string, string>? context)
    {
        if (context is null)
        {
            return;
        }

        if (context.Count > MaxExecutionContextEntries)
        {
            throw new WorldValidationException($"executionContext may hold at most {MaxExecutionContextEntries} entries.", "executionContext");
        }

        foreach (var (key, value) in context)
        {
            IdValidation.RequireKey(key, "executionContext", IdValidation.MaxKeyBytes);
            if (value is null)
            {
                throw new WorldValidationException("executionContext values must not be null.", "executionContext");
            }

            TextRules.RequireText(value, "executionContext", TextRules.MaxTextBytes);
        }
    }

    /// <summary>The decision for one prepared event; throws <see cref="WorldException"/> to reject.</summary>
    private sealed class DecisionContext(PreparedEvent prepared, EventSnapshot snapshot, DateTimeOffset now, EventRulesOptions options)
    {
        private string? _lastEventId = snapshot.LastEventId;

        private string RunId => prepared.RunId;

        private string CorrelationId => prepared.CorrelationId!;

        public EventPlan Decide() => prepared.Request.Data switch
        {
            RunCreated data => RunCreated(data),
            RunStarted data => RunStarted(data),
            RunCompleted data => EndRun(RequireLiveRun("complete") with { Status = RunStatus.Completed, Output = data.Output }, data),
            RunFailed data => EndRun(RequireLiveRun("fail") with { Status = RunStatus.Failed, Error = data.Error! with { Code = data.ErrorCode ?? data.Error.Code } }, data),
            RunCancelled data => RunCancelled(data),
            AttrSet data => AttrSet(data),
            StepCreated data => StepCreated(data),
            StepStarted data => StepStarted(data),
            StepCompleted data => FinishStep(data, step => step with { Status = StepStatus.Completed, Output = data.Result, CompletedAt = now }),
            StepFailed data => FinishStep(data, step => step with { Status = StepStatus.Failed, Error = data.Error, CompletedAt = now }),
            StepRetrying data => FinishStep(data, step => step with { Status = StepStatus.Pending, Error = data.Error, RetryAfter = data.RetryAfter is { } at ? Normalize(at) : null }),
            HookCreated data => HookCreated(data),
            HookReceived data => HookReceived(data),
            HookDisposed data => HookDisposed(data),
            WaitCreated data => WaitCreated(data),
            WaitCompleted data => WaitCompleted(data),
            _ => throw new WorldValidationException($"Event type {prepared.EventType.ToWireName()} cannot be created by callers.", "eventType"),
        };

        private EventPlan RunCreated(RunCreated data)
        {
            if (snapshot.Run is not null)
            {
                throw RunIdTaken(RunId);
            }

            var run = NewRun(data.DeploymentId, data.WorkflowName, data.Input, data.ExecutionContext, data.Attributes);
            return new EventPlan
            {
                RunId = RunId,
                Events = [NewEvent(data)],
                Run = run,
                CreatesRun = true,
                Result = new EventResult { Run = run, MaxEvents = options.MaxEventsPerRun },
            }.WithResultEvent();
        }

        private EventPlan RunStarted(RunStarted data)
        {
            var run = snapshot.Run;
            var events = new List<WorldEvent>(2);
            var createsRun = false;
            if (run is null)
            {
                if (!data.CanCreateRun)
                {
                    throw new RunNotFoundException(RunId);
                }

                // Resilient start: create the run exactly as run_created would, with a synthetic run_created ordered first.
                // Creating a run by this path must refuse every run id run_created refuses (format, age, skew).
                IdValidation.RequireClientRunId(RunId, now);
                var created = new RunCreated(data.DeploymentId!, data.WorkflowName!, data.Input)
                {
                    ExecutionContext = data.ExecutionContext,
                    Attributes = data.Attributes,
                    AllowReservedAttributes = data.AllowReservedAttributes,
                };
                run = NewRun(created.DeploymentId, created.WorkflowName, created.Input, created.ExecutionContext, created.Attributes);
                events.Add(NewEvent(created));
                createsRun = true;
            }

            RequireSupportedVersion(run);
            if (run.Status.IsTerminal())
            {
                throw new RunExpiredException(RunId, run.Status, $"Workflow run '{RunId}' is {Describe(run.Status)} and cannot start again.");
            }

            if (run.Status == RunStatus.Running)
            {
                // Idempotent: a second start while running appends nothing.
                return new EventPlan
                {
                    RunId = RunId,
                    Events = [],
                    PreloadsEvents = true,
                    Result = new EventResult { Run = run, MaxEvents = options.MaxEventsPerRun },
                };
            }

            var started = run with { Status = RunStatus.Running, StartedAt = run.StartedAt ?? now, UpdatedAt = now };

            // The resilient-start payload belongs on run_created only; it is never persisted on run_started.
            events.Add(NewEvent(new RunStarted()));
            return new EventPlan
            {
                RunId = RunId,
                Events = events,
                Run = started,
                CreatesRun = createsRun,
                PreloadsEvents = true,
                Result = new EventResult { Run = started, MaxEvents = options.MaxEventsPerRun },
            }.WithResultEvent();
        }

        private EventPlan EndRun(WorkflowRun ended, EventData data)
        {
            ended = ended with { CompletedAt = now, UpdatedAt = now };
            return new EventPlan
            {
                RunId = RunId,
                Events = [NewEvent(data)],
                Run = ended,
                EndsRun = true,
                Result = new EventResult { Run = ended, MaxEvents = options.MaxEventsPerRun },
            }.WithResultEvent();
        }

        private EventPlan RunCancelled(RunCancelled data)
        {
            var run = RequireRun();
            if (run.Status == RunStatus.Cancelled)
            {
                // Idempotent re-cancel: the event is appended, the run does not change.
                return new EventPlan
                {
                    RunId = RunId,
                    Events = [NewEvent(data)],
                    Result = new EventResult { Run = run, MaxEvents = options.MaxEventsPerRun },
                }.WithResultEvent();
            }

            return EndRun(RequireLiveRun("cancel") with { Status = RunStatus.Cancelled }, data);
        }

        private EventPlan AttrSet(AttrSet data)
        {
            var run = RequireRun();
            if (run.Status.IsTerminal())
            {
                throw new EntityConflictException($"Cannot set attributes on workflow run '{RunId}': it is {Describe(run.Status)}.");
            }

            var attributes = AttributeRules.Merge(run.Attributes, data.Changes);

            // Uniqueness is claimed only after validation succeeded, so a rejected change never burns its correlation id.
            if (prepared.RequiresUniqueCorrelation && snapshot.CorrelationEventExists)
            {
                throw new EntityConflictException($"attr_set '{CorrelationId}' was already applied to workflow run '{RunId}'.");
            }

            var updated = run with { Attributes = attributes, UpdatedAt = now };
            return new EventPlan
            {
                RunId = RunId,
                Events = [NewEvent(data)],
                Run = updated,
                Result = new EventResult { Run = updated },
            }.WithResultEvent();
        }

        private EventPlan StepCreated(StepCreated data)
        {
            RequireRunAcceptingNewEntities();
            if (snapshot.Step is not null || snapshot.CorrelationEventExists)
            {
                throw new EntityConflictException($"Step '{CorrelationId}' already exists in workflow run '{RunId}'.");
            }

            var step = new Step
            {
                RunId = RunId,
                StepId = CorrelationId,
                StepName = data.StepName,
                Status = StepStatus.Pending,
                Input = data.Input,
                Attempt = 0,
                CreatedAt = now,
                UpdatedAt = now,
                SpecVersion = prepared.SpecVersion,
            };
            return new EventPlan
            {
                RunId = RunId,
                Events = [NewEvent(data)],
                Step = step,
                CreatesStep = true,
                Result = new EventResult { Step = step },
            }.WithResultEvent();
        }

        private EventPlan StepStarted(StepStarted data)
        {
            if (snapshot.Step is null && data.Input is { } input)
            {
                return LazyStepStart(data, input);
            }

            var step = RequireChangeableStep(finishes: false);
            if (step.RetryAfter is { } retryAt && retryAt > now)
            {
                throw new TooEarlyException(CorrelationId, retryAt, retryAt - now);
            }

            var started = step with
            {
                Status = StepStatus.Running,
                Attempt = step.Attempt + 1,
                StartedAt = step.StartedAt ?? now,
                RetryAfter = null,
                UpdatedAt = now,
            };
            return StepPlan(data.Input is null ? data : data with { Input = null }, started);
        }

        /// <summary>A <c>step_started</c> with the step's name and input on a missing step: create it, then start it.</summary>
        private EventPlan LazyStepStart(StepStarted data, ReadOnlyMemory<byte> input)
        {
            RequireRunAcceptingNewEntities();
            var created = NewEvent(new StepCreated(data.StepName!, input) { WorkflowName = data.WorkflowName });
            var started = NewEvent(data with { Input = null });
            var step = new Step
            {
                RunId = RunId,
                StepId = CorrelationId,
                StepName = data.StepName!,
                Status = StepStatus.Running,
                Input = input,
                Attempt = 1,
                CreatedAt = now,
                StartedAt = now,
                UpdatedAt = now,
                SpecVersion = prepared.SpecVersion,
            };
            return new EventPlan
            {
                RunId = RunId,
                Events = [created, started],
                Step = step,
                CreatesStep = true,
                Result = new EventResult { Step = step },
            }.WithResultEvent();
        }

        private EventPlan FinishStep(EventData data, Func<Step, Step> change)
        {
            var step = RequireChangeableStep(finishes: data is StepCompleted or StepFailed);
            return StepPlan(data, change(step) with { UpdatedAt = now });
        }

        private EventPlan StepPlan(EventData data, Step step) => new EventPlan
        {
            RunId = RunId,
            Events = [NewEvent(data)],
            Step = step,
            Result = new EventResult { Step = step },
        }.WithResultEvent();

        private EventPlan HookCreated(HookCreated data)
        {
            RequireRunAcceptingNewEntities();
            if (snapshot.Hook is not null || snapshot.CorrelationEventExists)
            {
                throw new EntityConflictException($"Hook '{CorrelationId}' was already created in workflow run '{RunId}'.");
            }

            if (snapshot.TokenHolder is { } holder)
            {
                // Another live hook holds the token: record the conflict in this run's log instead of throwing.
                return new EventPlan
                {
                    RunId = RunId,
                    Events = [NewEvent(new HookConflict(data.Token, holder.RunId))],
                    Result = new EventResult(),
                }.WithResultEvent();
            }

            var hook = new Hook
            {
                RunId = RunId,
                HookId = CorrelationId,
                Token = data.Token,
                OwnerId = options.OwnerId,
                ProjectId = options.ProjectId,
                Environment = options.Environment,
                Metadata = data.Metadata,
                IsWebhook = data.IsWebhook ?? true,
                CreatedAt = now,
                SpecVersion = prepared.SpecVersion,
            };
            return new EventPlan
            {
                RunId = RunId,
                Events = [NewEvent(data)],
                CreatedHook = hook,
                Result = new EventResult { Hook = hook },
            }.WithResultEvent();
        }

        private EventPlan HookReceived(HookReceived data)
        {
            var run = RequireRun();
            var hook = snapshot.Hook ?? throw new HookNotFoundException(CorrelationId);
            if (run.Status.IsTerminal())
            {
                throw new RunExpiredException(RunId, run.Status, $"Workflow run '{RunId}' is {Describe(run.Status)}; its hooks can no longer be resumed.");
            }

            return new EventPlan
            {
                RunId = RunId,
                Events = [NewEvent(data)],
                Result = new EventResult { Hook = hook },
            }.WithResultEvent();
        }

        private EventPlan HookDisposed(HookDisposed data)
        {
            RequireRun();
            var hook = snapshot.Hook ?? throw new HookNotFoundException(CorrelationId);
            return new EventPlan
            {
                RunId = RunId,
                Events = [NewEvent(data)],
                DisposedHook = hook,
                Result = new EventResult(),
            }.WithResultEvent();
        }

        private EventPlan WaitCreated(WaitCreated data)
        {
            RequireRunAcceptingNewEntities();
            if (snapshot.Wait is not null || snapshot.CorrelationEventExists)
            {
                throw new EntityConflictException($"Wait '{CorrelationId}' already exists in workflow run '{RunId}'.");
            }

            var wait = new Wait
            {
                WaitId = World.Wait.ComposeId(RunId, CorrelationId),
                RunId = RunId,
                CorrelationId = CorrelationId,
                Status = WaitStatus.Waiting,
                ResumeAt = Normalize(data.ResumeAt),
                CreatedAt = now,
                UpdatedAt = now,
                SpecVersion = prepared.SpecVersion,
            };
            return new EventPlan
            {
                RunId = RunId,
                Events = [NewEvent(data)],
                Wait = wait,
                CreatesWait = true,
                Result = new EventResult { Wait = wait },
            }.WithResultEvent();
        }

        private EventPlan WaitCompleted(WaitCompleted data)
        {
            RequireRun();
            var wait = snapshot.Wait ?? throw new EntityNotFoundException(EntityKind.Wait, World.Wait.ComposeId(RunId, CorrelationId));
            if (wait.Status == WaitStatus.Completed)
            {
                throw new EntityConflictException($"Wait '{CorrelationId}' of workflow run '{RunId}' is already completed.");
            }

            var completed = wait with { Status = WaitStatus.Completed, CompletedAt = now, UpdatedAt = now };
            return new EventPlan
            {
                RunId = RunId,
                Events = [NewEvent(data)],
                Wait = completed,
                Result = new EventResult { Wait = completed },
            }.WithResultEvent();
        }

        private WorkflowRun RequireRun()
        {
            var run = snapshot.Run ?? throw new RunNotFoundException(RunId);
            RequireSupportedVersion(run);
            return run;
        }

        private WorkflowRun RequireLiveRun(string verb)
        {
            var run = RequireRun();
            if (run.Status.IsTerminal())
            {
                throw new EntityConflictException($"Cannot {verb} workflow run '{RunId}': it is already {Describe(run.Status)}.");
            }

            return run;
        }

        private void RequireRunAcceptingNewEntities()
        {
            var run = RequireRun();
            if (run.Status.IsTerminal())
            {
                throw new EntityConflictException($"Cannot create new entities on workflow run '{RunId}': it is {Describe(run.Status)}.");
            }
        }

        /// <summary>
        /// The step a step event changes. On an ended run, only a step that was running may still <em>finish</em>
        /// (<paramref name="finishes"/>: complete or fail); starting or retrying it would order a transition that is
        /// not an ending after the run's terminal event (contract §5, "no event after the end").
        /// </summary>
        private Step RequireChangeableStep(bool finishes)
        {
            var run = RequireRun();
            var step = snapshot.Step ?? throw new EntityNotFoundException(EntityKind.Step, CorrelationId);
            if (step.Status.IsTerminal())
            {
                throw new EntityConflictException($"Step '{CorrelationId}' of workflow run '{RunId}' is already {Describe(step.Status)}.");
            }

            if (run.Status.IsTerminal() && !(finishes && step.Status == StepStatus.Running))
            {
                throw new RunExpiredException(
                    RunId,
                    run.Status,
                    step.Status == StepStatus.Running
                        ? $"Workflow run '{RunId}' is {Describe(run.Status)}; its running step '{CorrelationId}' may only complete or fail."
                        : $"Workflow run '{RunId}' is {Describe(run.Status)}; step '{CorrelationId}' is not running and cannot change.");
            }

            return step;
        }

        private static void RequireSupportedVersion(WorkflowRun run)
        {
            if (run.SpecVersion is < SpecVersions.MinSupported or > SpecVersions.Current)
            {
                throw new RunNotSupportedException(run.SpecVersion);
            }
        }

        private WorkflowRun NewRun(
            string deploymentId,
            string workflowName,
            ReadOnlyMemory<byte>? input,
            IReadOnlyDictionary<string, string>? executionContext,
            IReadOnlyDictionary<string, string>? attributes) => new()
            {
                RunId = RunId,
                Status = RunStatus.Pending,
                DeploymentId = deploymentId,
                WorkflowName = workflowName,
                SpecVersion = prepared.SpecVersion,
                Input = input,
                ExecutionContext = executionContext is null ? null : new Dictionary<string, string>(executionContext, StringComparer.Ordinal).AsReadOnly(),
                Attributes = attributes is null ? EmptyAttributes.Instance : new Dictionary<string, string>(attributes, StringComparer.Ordinal).AsReadOnly(),
                CreatedAt = now,
                UpdatedAt = now,
            };

        private WorldEvent NewEvent(EventData data)
        {
            var eventId = WorldIds.NewEventIdAfter(_lastEventId, now);
            _lastEventId = eventId;
            return new WorldEvent
            {
                RunId = RunId,
                EventId = eventId,
                CorrelationId = prepared.CorrelationId,
                Data = data,
                CreatedAt = now,
                SpecVersion = prepared.SpecVersion,
            };
        }

        private static string Describe(RunStatus status) => status.ToString().ToLowerInvariant();

        private static string Describe(StepStatus status) => status.ToString().ToLowerInvariant();
    }
}
