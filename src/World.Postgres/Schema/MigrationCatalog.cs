using System.Globalization;
using System.Reflection;

namespace World.Postgres;

/// <summary>The migrations embedded in this assembly, in version order.</summary>
public static class MigrationCatalog
{
    private const string ResourcePrefix = "World.Postgres.Migrations.";

    /// <summary>Every embedded migration, ordered by version.</summary>
    public static IReadOnlyList<Migration> All { get; } = Load();

    /// <summary>The schema version this build creates and expects.</summary>
    public static int LatestVersion => All[^1].Version;

    private static Migration[] Load()
    {
        var assembly = typeof(MigrationCatalog).Assembly;
        var migrations = assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Select(name => Read(assembly, name))
            .OrderBy(migration => migration.Version)
            .ToArray();

        if (migrations.Length == 0)
        {
            throw new InvalidOperationException("World.Postgres was built without its migrations.");
        }

        for (var i = 0; i < migrations.Length; i++)
        {
            if (migrations[i].Version != i + 1)
            {
                throw new InvalidOperationException($"Migration versions must run 1, 2, 3… without gaps; found {migrations[i].Name} at position {i + 1}.");
            }
        }

        return migrations;
    }

    private static Migration Read(Assembly assembly, string resourceName)
    {
        var name = resourceName[ResourcePrefix.Length..^".sql".Length];
        var separator = name.IndexOf('_', StringComparison.Ordinal);
        if (separator <= 0 || !int.TryParse(name.AsSpan(0, separator), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            throw new InvalidOperationException($"Migration '{name}' must be named <version>_<description>.sql.");
        }

        using var stream = assembly.GetManifestResourceStream(resourceName)!;
        using var reader = new StreamReader(stream);
        return new Migration(version, name, reader.ReadToEnd());
    }
}
