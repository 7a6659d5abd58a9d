namespace World.Postgres.Tests.Chaos;

/// <summary>
/// The fault-injection scenarios run one after another (each with its own PostgreSQL server and worker processes),
/// in parallel with the rest of the suite: two cores cannot host several fleets of workers at once without turning
/// CPU starvation into a fault of its own.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ChaosCollection
{
    public const string Name = "Chaos";
}
