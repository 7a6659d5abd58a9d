using System.Text.RegularExpressions;

namespace World.Postgres;

/// <summary>Validation and quoting of the only identifier that reaches SQL text: the schema name.</summary>
internal static partial class PostgresIdentifier
{
    public static bool IsValid(string? identifier) => identifier is not null && Pattern().IsMatch(identifier);

    /// <summary>Quotes a validated identifier, so its case is kept and it can never be read as a keyword.</summary>
    public static string Quote(string identifier) =>
        IsValid(identifier) ? "\"" + identifier + "\"" : throw new ArgumentException($"'{identifier}' is not a valid identifier.", nameof(identifier));

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
