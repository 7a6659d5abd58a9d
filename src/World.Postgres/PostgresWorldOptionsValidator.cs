using Microsoft.Extensions.Options;

namespace World.Postgres;

/// <summary>Validates <see cref="PostgresWorldOptions"/> with messages that name the option and the fix.</summary>
public sealed class PostgresWorldOptionsValidator : IValidateOptions<PostgresWorldOptions>
{
    /// <summary>Validates options for a World that builds its own data source from the connection string.</summary>
    public ValidateOptionsResult Validate(string? name, PostgresWorldOptions options) => Validate(options, requireConnectionString: true);

    /// <summary>Validates <paramref name="options"/>; the connection string is optional when a data source is supplied.</summary>
    public static ValidateOptionsResult Validate(PostgresWorldOptions options, bool requireConnectionString)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (requireConnectionString && string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add("PostgresWorldOptions.ConnectionString is required (or pass an NpgsqlDataSource).");
        }

        if (!PostgresIdentifier.IsValid(options.Schema))
        {
            failures.Add($"PostgresWorldOptions.Schema '{options.Schema}' is not a plain identifier: use 1 to 63 letters, digits or underscores, not starting with a digit.");
        }

        if (options.MaxPoolSize is <= 0)
        {
            failures.Add("PostgresWorldOptions.MaxPoolSize must be positive.");
        }

        if (options.MinPoolSize is < 0 || (options.MinPoolSize is { } min && options.MaxPoolSize is { } max && min > max))
        {
            failures.Add("PostgresWorldOptions.MinPoolSize must be between 0 and MaxPoolSize.");
        }

        if (options.AutoPrepareStatements is < 0 or > 1000)
        {
            failures.Add("PostgresWorldOptions.AutoPrepareStatements must be between 0 and 1000.");
        }

        if (options.TerminalStatusPollInterval <= TimeSpan.Zero)
        {
            failures.Add("PostgresWorldOptions.TerminalStatusPollInterval must be positive.");
        }

        if (options.StreamPollInterval <= TimeSpan.Zero)
        {
            failures.Add("PostgresWorldOptions.StreamPollInterval must be positive.");
        }

        if (options.QueueNotifyWindow < TimeSpan.Zero || options.QueueNotifyWindow > TimeSpan.FromSeconds(10))
        {
            failures.Add("PostgresWorldOptions.QueueNotifyWindow must be between 0 and 10 seconds.");
        }

        if (options.Rules is null)
        {
            failures.Add("PostgresWorldOptions.Rules is required.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> when <paramref name="options"/> are invalid.</summary>
    internal static void ThrowIfInvalid(PostgresWorldOptions options, bool requireConnectionString)
    {
        var result = Validate(options, requireConnectionString);
        if (result.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(PostgresWorldOptions), result.Failures);
        }
    }
}
