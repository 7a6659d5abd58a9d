using World.Testing.Queue;
using World.Testing.Storage;
using World.Testing.Streams;

namespace World.Naive.Tests;

// The naive World enrols in every suite the in-memory World enrols in, with one override each.

public sealed class NaiveRunLifecycleTests : RunLifecycleTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) => new(new NaiveWorld(timeProvider));
}

public sealed class NaiveStepLifecycleTests : StepLifecycleTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) => new(new NaiveWorld(timeProvider));
}

public sealed class NaiveHookTests : HookTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) => new(new NaiveWorld(timeProvider));
}

public sealed class NaiveWaitTests : WaitTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) => new(new NaiveWorld(timeProvider));
}

public sealed class NaiveEventLogTests : EventLogTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) => new(new NaiveWorld(timeProvider));
}

public sealed class NaivePaginationTests : PaginationTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) => new(new NaiveWorld(timeProvider));
}

public sealed class NaiveResolveDataTests : ResolveDataTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) => new(new NaiveWorld(timeProvider));
}

public sealed class NaiveValidationTests : ValidationTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) => new(new NaiveWorld(timeProvider));
}

public sealed class NaivePayloadFidelityTests : PayloadFidelityTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) => new(new NaiveWorld(timeProvider));
}

public sealed class NaiveConcurrencyTests : ConcurrencyTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) => new(new NaiveWorld(timeProvider));
}

public sealed class NaiveQueueTests : QueueTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) => new(new NaiveWorld(timeProvider));
}

public sealed class NaiveQueueProcessorTests : QueueProcessorTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) => new(new NaiveWorld(timeProvider));
}

public sealed class NaiveStreamTests : StreamTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) => new(new NaiveWorld(timeProvider));
}

public sealed class NaiveWorkflowTests : World.Testing.Workflows.WorkflowTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) => new(new NaiveWorld(timeProvider));
}

public sealed class NaiveQueueProcessorFaultTests : QueueProcessorFaultTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) => new(new NaiveWorld(timeProvider));
}

public sealed class NaiveHostileInputTests : HostileInputTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) => new(new NaiveWorld(timeProvider));
}

public sealed class NaiveBackendParityTests : BackendParityTests
{
    protected override ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider) => new(new NaiveWorld(timeProvider));
}
