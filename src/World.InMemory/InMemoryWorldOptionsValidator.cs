using Microsoft.Extensions.Options;

namespace World.InMemory;

/// <summary>Validates <see cref="InMemoryWorldOptions"/> when the host starts, with messages that name the option.</summary>
public sealed class InMemoryWorldOptionsValidator : IValidateOptions<InMemoryWorldOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, InMemoryWorldOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Rules is null)
        {
            failures.Add("InMemoryWorldOptions.Rules is required.");
        }
        else
        {
            if (options.Rules.MaxPayloadBytes <= 0)
            {
                failures.Add("InMemoryWorldOptions.Rules.MaxPayloadBytes must be positive.");
            }

            if (options.Rules.MaxEventsPerRun <= 0)
            {
                failures.Add("InMemoryWorldOptions.Rules.MaxEventsPerRun must be positive.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
