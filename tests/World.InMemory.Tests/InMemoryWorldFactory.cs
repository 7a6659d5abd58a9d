using World.Testing;

namespace World.InMemory.Tests;

/// <summary>Builds a fresh in-memory World per test; it holds nothing to share, so it needs no lifetime of its own.</summary>
public sealed class InMemoryWorldFactory : IWorldFactory
{
    public ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider, CancellationToken cancellationToken) =>
        new(new InMemoryWorld(timeProvider: timeProvider));
}
