using World.Testing;
using World.Testing.Enrolment;
using World.Testing.Queue;
using World.Testing.Storage;
using World.Testing.Streams;
using World.Testing.Workflows;

// src/World.Testing/README.md: this assembly enrols MyWorld (the in-memory World behind a type of its own) in the
// whole kit exactly as the readme says, so the readme's recipe is run, guard included. It leaves out StreamTests and
// takes the readme's exemption instead, so the exemption path is exercised on a real assembly too; the in-memory
// World's own enrolment runs StreamTests.
[assembly: ConformanceExemption(typeof(StreamTests<>), "this backend stores no run output streams")]

namespace World.Docs.Tests.Snippets.KitReadme;

public sealed class MyWorldFactory : IWorldFactory
{
    public ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider, CancellationToken cancellationToken) =>
        new(new MyWorld(new MyWorldOptions(), timeProvider));
}

public sealed class MyKitEnrolmentTests : ConformanceEnrolmentTests;
public sealed class MyRunLifecycleTests : RunLifecycleTests<MyWorldFactory>;
public sealed class MyQueueTests : QueueTests<MyWorldFactory>;
public sealed class MyHookTests : HookTests<MyWorldFactory>;
public sealed class MyWorkflowTests : WorkflowTests<MyWorldFactory>;
// ...one line for every other suite; the guard lists any you missed.
public sealed class MyStepLifecycleTests : StepLifecycleTests<MyWorldFactory>;
public sealed class MyWaitTests : WaitTests<MyWorldFactory>;
public sealed class MyEventLogTests : EventLogTests<MyWorldFactory>;
public sealed class MyPaginationTests : PaginationTests<MyWorldFactory>;
public sealed class MyResolveDataTests : ResolveDataTests<MyWorldFactory>;
public sealed class MyValidationTests : ValidationTests<MyWorldFactory>;
public sealed class MyHostileInputTests : HostileInputTests<MyWorldFactory>;
public sealed class MyPayloadFidelityTests : PayloadFidelityTests<MyWorldFactory>;
public sealed class MyConcurrencyTests : ConcurrencyTests<MyWorldFactory>;
public sealed class MyQueueProcessorTests : QueueProcessorTests<MyWorldFactory>;
public sealed class MyQueueProcessorFaultTests : QueueProcessorFaultTests<MyWorldFactory>;
public sealed class MyBackendParityTests : BackendParityTests<MyWorldFactory>;
public sealed class MyDispatchStatusTests : DispatchStatusTests<MyWorldFactory>;

public sealed class MyFlowControlTests : FlowControlTests<MyWorldFactory>;
public sealed class MyScheduleTests : World.Testing.Schedules.ScheduleTests<MyWorldFactory>;
public sealed class MyTelemetryTests : World.Testing.Diagnostics.TelemetryTests<MyWorldFactory>;

public sealed class MyAdminTests : World.Testing.Admin.AdminTests<MyWorldFactory>;
