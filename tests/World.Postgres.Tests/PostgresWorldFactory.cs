using World.Testing;

namespace World.Postgres.Tests;

/// <summary>
/// Builds each test's PostgreSQL World on a fresh schema of the assembly's one server (<see cref="PostgresFixture"/>,
/// which xUnit hands to this class fixture), so suites share the server and its connection pool but never state.
/// </summary>
public sealed class PostgresWorldFactory(PostgresFixture postgres) : IWorldFactory
{
    public ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider, CancellationToken cancellationToken) =>
        new(postgres.CreateWorld(timeProvider));
}
