using World.Testing.Diagnostics;
using World.Testing.Admin;
using World.Testing.Enrolment;
using World.Testing.Queue;
using World.Testing.Schedules;
using World.Testing.Storage;
using World.Testing.Streams;
using World.Testing.Workflows;

namespace World.Postgres.Tests;

// The PostgreSQL World enrols in every suite of the conformance kit, one line each (PostgresWorldFactory gives each test
// a fresh schema); the guard below fails when a suite of the kit has no line here.

public sealed class PostgresKitEnrolmentTests : ConformanceEnrolmentTests;

public sealed class PostgresRunLifecycleTests : RunLifecycleTests<PostgresWorldFactory>;

public sealed class PostgresStepLifecycleTests : StepLifecycleTests<PostgresWorldFactory>;

public sealed class PostgresHookTests : HookTests<PostgresWorldFactory>;

public sealed class PostgresWaitTests : WaitTests<PostgresWorldFactory>;

public sealed class PostgresEventLogTests : EventLogTests<PostgresWorldFactory>;

public sealed class PostgresPaginationTests : PaginationTests<PostgresWorldFactory>;

public sealed class PostgresResolveDataTests : ResolveDataTests<PostgresWorldFactory>;

public sealed class PostgresValidationTests : ValidationTests<PostgresWorldFactory>;

public sealed class PostgresPayloadFidelityTests : PayloadFidelityTests<PostgresWorldFactory>;

public sealed class PostgresConcurrencyTests : ConcurrencyTests<PostgresWorldFactory>;

public sealed class PostgresQueueTests : QueueTests<PostgresWorldFactory>;

public sealed class PostgresQueueProcessorTests : QueueProcessorTests<PostgresWorldFactory>;

public sealed class PostgresStreamTests : StreamTests<PostgresWorldFactory>;

public sealed class PostgresWorkflowTests : WorkflowTests<PostgresWorldFactory>;

public sealed class PostgresQueueProcessorFaultTests : QueueProcessorFaultTests<PostgresWorldFactory>;

public sealed class PostgresHostileInputTests : HostileInputTests<PostgresWorldFactory>;

public sealed class PostgresBackendParityTests : BackendParityTests<PostgresWorldFactory>;

public sealed class PostgresDispatchStatusTests : DispatchStatusTests<PostgresWorldFactory>;

public sealed class PostgresFlowControlTests : FlowControlTests<PostgresWorldFactory>;

public sealed class PostgresScheduleTests : ScheduleTests<PostgresWorldFactory>;
public sealed class PostgresTelemetryTests : TelemetryTests<PostgresWorldFactory>;

public sealed class PostgresAdminTests : AdminTests<PostgresWorldFactory>;
