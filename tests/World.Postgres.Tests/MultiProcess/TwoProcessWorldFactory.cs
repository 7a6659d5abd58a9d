using World.Testing;

namespace World.Postgres.Tests.MultiProcess;

/// <summary>
/// Builds each test's <see cref="TwoProcessWorld"/>: two Worlds with their own connection pools on one fresh schema of
/// the assembly's server, so every call alternates between instances that share only the database.
/// </summary>
public sealed class TwoProcessWorldFactory(PostgresFixture postgres) : IWorldFactory
{
    public ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider, CancellationToken cancellationToken) =>
        new(new TwoProcessWorld(postgres.Server.ConnectionString, postgres.NewSchema(), timeProvider));
}
