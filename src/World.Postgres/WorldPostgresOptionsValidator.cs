using Microsoft.Extensions.Options;

namespace World.Postgres;

/// <summary>Validates <see cref="WorldPostgresOptions"/> with messages that name the option and the fix.</summary>
public sealed class WorldPostgresOptionsValidator : IValidateOptions<WorldPostgresOptions>
{
    /// <summary>Validates options for a World that builds its own data source from the connection string.</summary>
    public ValidateOptionsResult Validate(string? name, WorldPostgresOptions options) => Validate(options, requireConnectionString: true);

    /// <summary>Validates <paramref name="options"/>; the connection string is optional when a data source is supplied.</summary>
    public static ValidateOptionsResult Validate(WorldPostgresOptions options, bool requireConnectionString)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (requireConnectionString && string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add("WorldPostgresOptions.ConnectionString is required (or pass an NpgsqlDataSource).");
        }

        if (!PostgresIdentifier.IsValid(options.Schema))
        {
            failures.Add($"WorldPostgresOptions.Schema '{options.Schema}' is not a plain identifier: use 1 to 63 letters, digits or underscores, not starting with a digit.");
        }

        if (options.MaxPoolSize is <= 0)
        {
            failures.Add("WorldPostgresOptions.MaxPoolSize must be positive.");
        }

        if (options.MinPoolSize is < 0 || (options.MinPoolSize is { } min && options.MaxPoolSize is { } max && min > max))
        {
            failures.Add("WorldPostgresOptions.MinPoolSize must be between 0 and MaxPoolSize.");
        }

        if (options.AutoPrepareStatements is < 0 or > 1000)
        {
            failures.Add("WorldPostgresOptions.AutoPrepareStatements must be between 0 and 1000.");
        }

        if (options.TerminalStatusPollInterval <= TimeSpan.Zero)
        {
            failures.Add("WorldPostgresOptions.TerminalStatusPollInterval must be positive.");
        }

        if (options.StreamPollInterval <= TimeSpan.Zero)
        {
            failures.Add("WorldPostgresOptions.StreamPollInterval must be positive.");
        }

        if (options.QueueNotifyWindow < TimeSpan.Zero || options.QueueNotifyWindow > TimeSpan.FromSeconds(10))
        {
            failures.Add("WorldPostgresOptions.QueueNotifyWindow must be between 0 and 10 seconds.");
        }

        if (options.Rules is null)
        {
            failures.Add("WorldPostgresOptions.Rules is required.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> when <paramref name="options"/> are invalid.</summary>
    internal static void ThrowIfInvalid(WorldPostgresOptions options, bool requireConnectionString)
    {
        var result = Validate(options, requireConnectionString);
        if (result.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(WorldPostgresOptions), result.Failures);
        }
    }
}
