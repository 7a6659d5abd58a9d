using World.Docs.Tests;
using World.Testing;

// src/World.Testing/README.md, "Sharing an expensive resource", verbatim.
[assembly: AssemblyFixture(typeof(MyServerFixture))]

namespace World.Docs.Tests.Snippets.KitReadme;

public sealed class MyDatabaseWorldFactory(MyServerFixture server) : IWorldFactory
{
    public ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider, CancellationToken cancellationToken) =>
        new(new MyWorld(new MyWorldOptions { Schema = server.NewSchema() }, timeProvider));
}
