using World.Testing.Queue;
using World.Testing.Schedules;
using World.Testing.Storage;
using World.Testing.Streams;

namespace World.Postgres.Tests;

// The PostgreSQL World enrols in every storage suite of the conformance kit with one override each; each test gets a fresh schema.

public sealed class PostgresRunLifecycleTests(PostgresFixture postgres) : RunLifecycleTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) => new(postgres.CreateWorld(timeProvider));
}

public sealed class PostgresStepLifecycleTests(PostgresFixture postgres) : StepLifecycleTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) => new(postgres.CreateWorld(timeProvider));
}

public sealed class PostgresHookTests(PostgresFixture postgres) : HookTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) => new(postgres.CreateWorld(timeProvider));
}

public sealed class PostgresWaitTests(PostgresFixture postgres) : WaitTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) => new(postgres.CreateWorld(timeProvider));
}

public sealed class PostgresEventLogTests(PostgresFixture postgres) : EventLogTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) => new(postgres.CreateWorld(timeProvider));
}

public sealed class PostgresPaginationTests(PostgresFixture postgres) : PaginationTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) => new(postgres.CreateWorld(timeProvider));
}

public sealed class PostgresResolveDataTests(PostgresFixture postgres) : ResolveDataTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) => new(postgres.CreateWorld(timeProvider));
}

public sealed class PostgresValidationTests(PostgresFixture postgres) : ValidationTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) => new(postgres.CreateWorld(timeProvider));
}

public sealed class PostgresPayloadFidelityTests(PostgresFixture postgres) : PayloadFidelityTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) => new(postgres.CreateWorld(timeProvider));
}

public sealed class PostgresConcurrencyTests(PostgresFixture postgres) : ConcurrencyTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) => new(postgres.CreateWorld(timeProvider));
}

public sealed class PostgresQueueTests(PostgresFixture postgres) : QueueTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) => new(postgres.CreateWorld(timeProvider));
}

public sealed class PostgresQueueProcessorTests(PostgresFixture postgres) : QueueProcessorTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) => new(postgres.CreateWorld(timeProvider));
}

public sealed class PostgresQueueProcessorFaultTests(PostgresFixture postgres) : QueueProcessorFaultTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) => new(postgres.CreateWorld(timeProvider));
}

public sealed class PostgresStreamTests(PostgresFixture postgres) : StreamTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) => new(postgres.CreateWorld(timeProvider));
}

public sealed class PostgresWorkflowTests(PostgresFixture postgres) : World.Testing.Workflows.WorkflowTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) => new(postgres.CreateWorld(timeProvider));
}

public sealed class PostgresHostileInputTests(PostgresFixture postgres) : HostileInputTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) => new(postgres.CreateWorld(timeProvider));
}

public sealed class PostgresBackendParityTests(PostgresFixture postgres) : BackendParityTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) => new(postgres.CreateWorld(timeProvider));
}

public sealed class PostgresScheduleTests(PostgresFixture postgres) : ScheduleTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) => new(postgres.CreateWorld(timeProvider));
}
