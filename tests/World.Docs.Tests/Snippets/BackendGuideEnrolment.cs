using World.Testing;
using World.Testing.Enrolment;
using World.Testing.Storage;

// docs/backend-authors.md, "Enrolling in the conformance kit", verbatim.

namespace World.Docs.Tests.Snippets.BackendGuide;

public sealed class MyWorldFactory : IWorldFactory
{
    public ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider, CancellationToken cancellationToken) =>
        new(new MyWorld(new MyWorldOptions { /* fresh schema, database or directory */ }, timeProvider));
}

public sealed class MyKitEnrolmentTests : ConformanceEnrolmentTests;
public sealed class MyRunLifecycleTests : RunLifecycleTests<MyWorldFactory>;
