using World.Testing.Queue;
using World.Testing.Storage;
using World.Testing.Streams;

namespace World.Postgres.Tests.MultiProcess;

// The race and lifecycle suites again, with every call alternating between two Worlds that share only the database.

public sealed class TwoProcessConcurrencyTests : ConcurrencyTests<TwoProcessWorldFactory>;

public sealed class TwoProcessHookTests : HookTests<TwoProcessWorldFactory>;

public sealed class TwoProcessStepLifecycleTests : StepLifecycleTests<TwoProcessWorldFactory>;

public sealed class TwoProcessQueueTests : QueueTests<TwoProcessWorldFactory>;

public sealed class TwoProcessStreamTests : StreamTests<TwoProcessWorldFactory>;

public sealed class TwoProcessFlowControlTests : FlowControlTests<TwoProcessWorldFactory>;
