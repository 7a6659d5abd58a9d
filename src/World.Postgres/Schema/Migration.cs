using System.Security.Cryptography;
using System.Text;

namespace World.Postgres;

/// <summary>
/// One embedded schema migration. Its version is the number its file name starts with; its checksum pins the text
/// that was applied, so an edited old migration is detected instead of silently diverging.
/// </summary>
/// <param name="Version">The version, from the file name (<c>0001_name.sql</c> → 1).</param>
/// <param name="Name">The file name without extension.</param>
/// <param name="Sql">The script, with <c>{schema}</c> standing for the quoted schema name.</param>
public sealed record Migration(int Version, string Name, string Sql)
{
    /// <summary>SHA-256 of the script with line endings normalized, in lowercase hex.</summary>
    public string Checksum { get; } = Convert.ToHexStringLower(
        SHA256.HashData(Encoding.UTF8.GetBytes(Sql.ReplaceLineEndings("\n"))));

    /// <summary>The script for a schema.</summary>
    public string SqlFor(string quotedSchema) => Sql.Replace("{schema}", quotedSchema, StringComparison.Ordinal);
}
