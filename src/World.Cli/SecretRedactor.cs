using Npgsql;

namespace World.Cli;

/// <summary>
/// Removes the connection string and its password from any text the tool prints. Drivers name hosts and users in
/// their errors, never passwords, but the tool does not rely on it: every message passes through here.
/// </summary>
internal sealed class SecretRedactor
{
    private const string Mask = "***";
    private readonly string[] _secrets;

    public SecretRedactor(string? connectionString)
    {
        var secrets = new List<string>();
        if (!string.IsNullOrEmpty(connectionString))
        {
            secrets.Add(connectionString);
            try
            {
                if (new NpgsqlConnectionStringBuilder(connectionString).Password is { Length: > 0 } password)
                {
                    secrets.Add(password);
                }
            }
            catch (ArgumentException)
            {
                // A malformed string: its password cannot be told apart, so mask every value of it instead.
                secrets.AddRange(connectionString.Split(';').Select(part => part.Split('=', 2)).Where(pair => pair.Length == 2 && pair[1].Trim().Length > 0).Select(pair => pair[1].Trim()));
            }
        }

        // Longest first, so the whole string is masked before its parts.
        _secrets = [.. secrets.Distinct(StringComparer.Ordinal).OrderByDescending(secret => secret.Length)];
    }

    public string Redact(string text)
    {
        foreach (var secret in _secrets)
        {
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        }

        return text;
    }
}
