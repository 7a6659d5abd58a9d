using World.Testing.Diagnostics;
using World.Testing.Admin;
using World.Testing.Enrolment;
using World.Testing.Queue;
using World.Testing.Schedules;
using World.Testing.Storage;
using World.Testing.Streams;
using World.Testing.Workflows;

namespace World.InMemory.Tests;

// The in-memory World enrols in every suite of the conformance kit, one line each; the guard below fails when a suite
// of the kit has no line here.

public sealed class InMemoryKitEnrolmentTests : ConformanceEnrolmentTests;

public sealed class InMemoryRunLifecycleTests : RunLifecycleTests<InMemoryWorldFactory>;

public sealed class InMemoryStepLifecycleTests : StepLifecycleTests<InMemoryWorldFactory>;

public sealed class InMemoryHookTests : HookTests<InMemoryWorldFactory>;

public sealed class InMemoryWaitTests : WaitTests<InMemoryWorldFactory>;

public sealed class InMemoryEventLogTests : EventLogTests<InMemoryWorldFactory>;

public sealed class InMemoryPaginationTests : PaginationTests<InMemoryWorldFactory>;

public sealed class InMemoryResolveDataTests : ResolveDataTests<InMemoryWorldFactory>;

public sealed class InMemoryValidationTests : ValidationTests<InMemoryWorldFactory>;

public sealed class InMemoryPayloadFidelityTests : PayloadFidelityTests<InMemoryWorldFactory>;

public sealed class InMemoryConcurrencyTests : ConcurrencyTests<InMemoryWorldFactory>;

public sealed class InMemoryQueueTests : QueueTests<InMemoryWorldFactory>;

public sealed class InMemoryQueueProcessorTests : QueueProcessorTests<InMemoryWorldFactory>;

public sealed class InMemoryStreamTests : StreamTests<InMemoryWorldFactory>;

public sealed class InMemoryWorkflowTests : WorkflowTests<InMemoryWorldFactory>;

public sealed class InMemoryQueueProcessorFaultTests : QueueProcessorFaultTests<InMemoryWorldFactory>;

public sealed class InMemoryHostileInputTests : HostileInputTests<InMemoryWorldFactory>;

public sealed class InMemoryBackendParityTests : BackendParityTests<InMemoryWorldFactory>;

public sealed class InMemoryDispatchStatusTests : DispatchStatusTests<InMemoryWorldFactory>;

public sealed class InMemoryFlowControlTests : FlowControlTests<InMemoryWorldFactory>;

public sealed class InMemoryScheduleTests : ScheduleTests<InMemoryWorldFactory>;
public sealed class InMemoryTelemetryTests : TelemetryTests<InMemoryWorldFactory>;

public sealed class InMemoryAdminTests : AdminTests<InMemoryWorldFactory>;
