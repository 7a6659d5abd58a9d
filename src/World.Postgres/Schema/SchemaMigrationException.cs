namespace World.Postgres;

/// <summary>The database schema cannot be brought to the version this build needs, e.g. an applied migration was edited.</summary>
public sealed class SchemaMigrationException(string message) : InvalidOperationException(message);
