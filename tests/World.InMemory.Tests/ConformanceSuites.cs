using World.Testing.Queue;
using World.Testing.Schedules;
using World.Testing.Storage;
using World.Testing.Streams;

namespace World.InMemory.Tests;

// The in-memory World enrols in every storage suite of the conformance kit with one override each.

public sealed class InMemoryRunLifecycleTests : RunLifecycleTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) => new(new InMemoryWorld(timeProvider: timeProvider));
}

public sealed class InMemoryStepLifecycleTests : StepLifecycleTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) => new(new InMemoryWorld(timeProvider: timeProvider));
}

public sealed class InMemoryHookTests : HookTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) => new(new InMemoryWorld(timeProvider: timeProvider));
}

public sealed class InMemoryWaitTests : WaitTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) => new(new InMemoryWorld(timeProvider: timeProvider));
}

public sealed class InMemoryEventLogTests : EventLogTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) => new(new InMemoryWorld(timeProvider: timeProvider));
}

public sealed class InMemoryPaginationTests : PaginationTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) => new(new InMemoryWorld(timeProvider: timeProvider));
}

public sealed class InMemoryResolveDataTests : ResolveDataTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) => new(new InMemoryWorld(timeProvider: timeProvider));
}

public sealed class InMemoryValidationTests : ValidationTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) => new(new InMemoryWorld(timeProvider: timeProvider));
}

public sealed class InMemoryPayloadFidelityTests : PayloadFidelityTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) => new(new InMemoryWorld(timeProvider: timeProvider));
}

public sealed class InMemoryConcurrencyTests : ConcurrencyTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) => new(new InMemoryWorld(timeProvider: timeProvider));
}

public sealed class InMemoryQueueTests : QueueTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) => new(new InMemoryWorld(timeProvider: timeProvider));
}

public sealed class InMemoryQueueProcessorTests : QueueProcessorTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) => new(new InMemoryWorld(timeProvider: timeProvider));
}

public sealed class InMemoryStreamTests : StreamTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) => new(new InMemoryWorld(timeProvider: timeProvider));
}

public sealed class InMemoryWorkflowTests : World.Testing.Workflows.WorkflowTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) => new(new InMemoryWorld(timeProvider: timeProvider));
}

public sealed class InMemoryQueueProcessorFaultTests : QueueProcessorFaultTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) => new(new InMemoryWorld(timeProvider: timeProvider));
}

public sealed class InMemoryHostileInputTests : HostileInputTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) => new(new InMemoryWorld(timeProvider: timeProvider));
}

public sealed class InMemoryBackendParityTests : BackendParityTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) => new(new InMemoryWorld(timeProvider: timeProvider));
}

public sealed class InMemoryScheduleTests : ScheduleTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) => new(new InMemoryWorld(timeProvider: timeProvider));
}
