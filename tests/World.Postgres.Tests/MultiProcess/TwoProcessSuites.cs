using World.Testing.Queue;
using World.Testing.Storage;
using World.Testing.Streams;

namespace World.Postgres.Tests.MultiProcess;

// The race and lifecycle suites again, with every call alternating between two Worlds that share only the database.

public sealed class TwoProcessConcurrencyTests(PostgresFixture postgres) : ConcurrencyTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) =>
        new(new TwoProcessWorld(postgres.Server.ConnectionString, postgres.NewSchema(), timeProvider));
}

public sealed class TwoProcessHookTests(PostgresFixture postgres) : HookTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) =>
        new(new TwoProcessWorld(postgres.Server.ConnectionString, postgres.NewSchema(), timeProvider));
}

public sealed class TwoProcessStepLifecycleTests(PostgresFixture postgres) : StepLifecycleTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) =>
        new(new TwoProcessWorld(postgres.Server.ConnectionString, postgres.NewSchema(), timeProvider));
}

public sealed class TwoProcessQueueTests(PostgresFixture postgres) : QueueTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) =>
        new(new TwoProcessWorld(postgres.Server.ConnectionString, postgres.NewSchema(), timeProvider));
}

public sealed class TwoProcessStreamTests(PostgresFixture postgres) : StreamTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) =>
        new(new TwoProcessWorld(postgres.Server.ConnectionString, postgres.NewSchema(), timeProvider));
}
