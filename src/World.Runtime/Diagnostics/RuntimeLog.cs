using Microsoft.Extensions.Logging;

namespace World.Runtime.Diagnostics;

/// <summary>
/// The runtime's lifecycle log events, with stable event ids (docs/observability.md, "Logs"). They carry ids, names,
/// attempt numbers and error codes; never inputs, outputs, error messages or payloads, which hold user data.
/// </summary>
internal static partial class RuntimeLog
{
    /// <summary>The scope of one invocation: every log written while it runs (step code included) carries the run id.</summary>
    public static readonly Func<ILogger, string, IDisposable?> InvocationScope =
        LoggerMessage.DefineScope<string>("Run {RunId}");

    /// <summary>The scope of one step attempt.</summary>
    public static readonly Func<ILogger, string, string, int, IDisposable?> StepScope =
        LoggerMessage.DefineScope<string, string, int>("Step {StepName} {StepId} attempt {StepAttempt}");

    [LoggerMessage(EventId = 230, Level = LogLevel.Information, Message = "Run {RunId} of workflow {WorkflowName} created")]
    public static partial void RunCreated(ILogger logger, string runId, string workflowName);

    [LoggerMessage(EventId = 231, Level = LogLevel.Information, Message = "Run {RunId} of workflow {WorkflowName} started")]
    public static partial void RunStarted(ILogger logger, string runId, string workflowName);

    [LoggerMessage(EventId = 232, Level = LogLevel.Information, Message = "Run {RunId} of workflow {WorkflowName} completed")]
    public static partial void RunCompleted(ILogger logger, string runId, string workflowName);

    [LoggerMessage(EventId = 233, Level = LogLevel.Information, Message = "Run {RunId} of workflow {WorkflowName} failed with {ErrorCode}")]
    public static partial void RunFailed(ILogger logger, string runId, string workflowName, string errorCode);

    [LoggerMessage(EventId = 234, Level = LogLevel.Warning, Message = "Step {StepName} of run {RunId} failed attempt {StepAttempt} with {ErrorCode}; retrying at {RetryAt:O}")]
    public static partial void StepRetrying(ILogger logger, string stepName, string runId, int stepAttempt, string errorCode, DateTimeOffset retryAt);

    [LoggerMessage(EventId = 235, Level = LogLevel.Warning, Message = "Step {StepName} of run {RunId} failed for good at attempt {StepAttempt} with {ErrorCode}")]
    public static partial void StepFailed(ILogger logger, string stepName, string runId, int stepAttempt, string errorCode);

    [LoggerMessage(EventId = 236, Level = LogLevel.Debug, Message = "Step {StepName} of run {RunId} attempt {StepAttempt} started")]
    public static partial void StepStarted(ILogger logger, string stepName, string runId, int stepAttempt);

    [LoggerMessage(EventId = 237, Level = LogLevel.Debug, Message = "Step {StepName} of run {RunId} attempt {StepAttempt} completed")]
    public static partial void StepCompleted(ILogger logger, string stepName, string runId, int stepAttempt);

    [LoggerMessage(EventId = 238, Level = LogLevel.Information, Message = "Run {RunId} of workflow {WorkflowName} cancelled")]
    public static partial void RunCancelled(ILogger logger, string runId, string workflowName);
}
