using World.Testing.Diagnostics;
using World.Testing.Admin;
using World.Testing.Enrolment;
using World.Testing.Queue;
using World.Testing.Schedules;
using World.Testing.Storage;
using World.Testing.Streams;
using World.Testing.Workflows;

namespace World.Naive.Tests;

// The naive World (plain dictionaries under one lock, only the shared write path, read rules and queue rules)
// enrols in every suite of the conformance kit, one line each; the guard fails when a suite has no line here.

public sealed class NaiveKitEnrolmentTests : ConformanceEnrolmentTests;

public sealed class NaiveRunLifecycleTests : RunLifecycleTests<NaiveWorldFactory>;

public sealed class NaiveStepLifecycleTests : StepLifecycleTests<NaiveWorldFactory>;

public sealed class NaiveHookTests : HookTests<NaiveWorldFactory>;

public sealed class NaiveWaitTests : WaitTests<NaiveWorldFactory>;

public sealed class NaiveEventLogTests : EventLogTests<NaiveWorldFactory>;

public sealed class NaivePaginationTests : PaginationTests<NaiveWorldFactory>;

public sealed class NaiveResolveDataTests : ResolveDataTests<NaiveWorldFactory>;

public sealed class NaiveValidationTests : ValidationTests<NaiveWorldFactory>;

public sealed class NaivePayloadFidelityTests : PayloadFidelityTests<NaiveWorldFactory>;

public sealed class NaiveConcurrencyTests : ConcurrencyTests<NaiveWorldFactory>;

public sealed class NaiveQueueTests : QueueTests<NaiveWorldFactory>;

public sealed class NaiveQueueProcessorTests : QueueProcessorTests<NaiveWorldFactory>;

public sealed class NaiveStreamTests : StreamTests<NaiveWorldFactory>;

public sealed class NaiveWorkflowTests : WorkflowTests<NaiveWorldFactory>;

public sealed class NaiveQueueProcessorFaultTests : QueueProcessorFaultTests<NaiveWorldFactory>;

public sealed class NaiveHostileInputTests : HostileInputTests<NaiveWorldFactory>;

public sealed class NaiveBackendParityTests : BackendParityTests<NaiveWorldFactory>;

public sealed class NaiveDispatchStatusTests : DispatchStatusTests<NaiveWorldFactory>;

public sealed class NaiveFlowControlTests : FlowControlTests<NaiveWorldFactory>;

public sealed class NaiveScheduleTests : ScheduleTests<NaiveWorldFactory>;
public sealed class NaiveTelemetryTests : TelemetryTests<NaiveWorldFactory>;

public sealed class NaiveAdminTests : AdminTests<NaiveWorldFactory>;
