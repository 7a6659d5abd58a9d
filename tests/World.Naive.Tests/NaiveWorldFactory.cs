using World.Testing;

namespace World.Naive.Tests;

/// <summary>Builds a fresh naive World per test.</summary>
public sealed class NaiveWorldFactory : IWorldFactory
{
    public ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider, CancellationToken cancellationToken) =>
        new(new NaiveWorld(timeProvider));
}
