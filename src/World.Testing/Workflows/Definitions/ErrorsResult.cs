namespace World.Testing.Workflows;

/// <summary>What <see cref="ErrorsWorkflow"/> observed.</summary>
public sealed record ErrorsResult(bool GotFatalError, string? FatalMessage, int RetryableAttempt);
