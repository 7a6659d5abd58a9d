using Microsoft.Extensions.Options;
using World.Backends;

namespace World.Runtime;

/// <summary>
/// Validates <see cref="WorkflowRuntimeOptions"/> when the host starts (<c>ValidateOnStart</c>), with messages that name
/// the option; invalid options fail with <see cref="OptionsValidationException"/>.
/// </summary>
public sealed class WorkflowRuntimeOptionsValidator : IValidateOptions<WorkflowRuntimeOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, WorkflowRuntimeOptions options) => Check(options);

    internal static ValidateOptionsResult Check(WorkflowRuntimeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        RequireName(options.QueueName, nameof(WorkflowRuntimeOptions.QueueName), failures);
        RequireName(options.DeploymentId, nameof(WorkflowRuntimeOptions.DeploymentId), failures);
        Require(options.Concurrency >= 1, "Concurrency must be at least 1.", failures);
        Require(options.MaxParallelSteps >= 1, "MaxParallelSteps must be at least 1.", failures);
        // One below the queue's own limit, so the queue never dead-letters an invocation behind the runtime's back.
        Require(
            options.MaxDeliveries >= 1 && options.MaxDeliveries <= WorldLimits.MaxMessageAttempts - 1,
            $"MaxDeliveries must be between 1 and {WorldLimits.MaxMessageAttempts - 1}.",
            failures);
        Require(
            options.DeadlockTimeout == Timeout.InfiniteTimeSpan || options.DeadlockTimeout > TimeSpan.Zero,
            "DeadlockTimeout must be positive (or Timeout.InfiniteTimeSpan to turn detection off).",
            failures);
        Require(options.UnregisteredWorkflowTimeout >= TimeSpan.Zero, "UnregisteredWorkflowTimeout must not be negative.", failures);
        Require(options.UnregisteredWorkflowRetryDelay > TimeSpan.Zero, "UnregisteredWorkflowRetryDelay must be positive.", failures);
        Require(options.CancellationGracePeriod >= TimeSpan.Zero, "CancellationGracePeriod must not be negative.", failures);
        Require(options.FaultRetryMaxDelay > TimeSpan.Zero, "FaultRetryMaxDelay must be positive.", failures);
        Require(options.CircuitBreakDuration >= TimeSpan.FromMilliseconds(500), "CircuitBreakDuration must be at least 500 ms.", failures);
        Require(options.MaxEventsPerRun is null or >= 2, "MaxEventsPerRun must be at least 2 (or null for the World's ceiling).", failures);
        Require(options.LeaseDuration > TimeSpan.Zero, "LeaseDuration must be positive.", failures);
        Require(
            options.HeartbeatInterval > TimeSpan.Zero && options.HeartbeatInterval < options.LeaseDuration,
            "HeartbeatInterval must be positive and shorter than LeaseDuration.",
            failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void RequireName(string? value, string field, List<string> failures)
    {
        try
        {
            IdValidation.RequireName(value, field);
        }
        catch (WorldValidationException exception)
        {
            failures.Add($"{field}: {exception.Message}");
        }
    }

    private static void Require(bool condition, string message, List<string> failures)
    {
        if (!condition)
        {
            failures.Add("WorkflowRuntimeOptions." + message);
        }
    }
}
