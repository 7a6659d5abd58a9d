namespace World;

/// <summary>The step may not start before its retry-after time (425). Retry after <see cref="RetryAfter"/>.</summary>
public sealed class TooEarlyException : WorldException
{
    /// <summary>Creates the exception.</summary>
    public TooEarlyException(string stepId, DateTimeOffset retryAt, TimeSpan retryAfter)
        : base(WorldErrorCodes.TooEarly, 425, $"Step '{stepId}' may not start before {retryAt:O}; retry in {Math.Ceiling(retryAfter.TotalSeconds)} s.")
    {
        StepId = stepId;
        RetryAt = retryAt;
        RetryAfter = retryAfter;
    }

    /// <summary>The step that is not ready.</summary>
    public string StepId { get; }

    /// <summary>The time the step becomes ready.</summary>
    public DateTimeOffset RetryAt { get; }

    /// <summary>How long until the step is ready.</summary>
    public TimeSpan RetryAfter { get; }

    /// <summary>The wait in whole seconds, rounded up, as an HTTP <c>Retry-After</c> header carries it.</summary>
    public int RetryAfterSeconds => (int)Math.Ceiling(RetryAfter.TotalSeconds);
}
