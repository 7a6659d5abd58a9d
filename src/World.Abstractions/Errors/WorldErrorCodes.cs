namespace World;

/// <summary>The stable codes of <see cref="WorldException.Code"/>. Clients may switch on them; they never change meaning.</summary>
public static class WorldErrorCodes
{
    /// <summary>Bad input (400).</summary>
    public const string Validation = "VALIDATION";

    /// <summary>Invalid attribute changes (400).</summary>
    public const string AttributeValidation = "ATTRIBUTE_VALIDATION";

    /// <summary>A payload or request larger than the configured bound (413).</summary>
    public const string PayloadTooLarge = "PAYLOAD_TOO_LARGE";

    /// <summary>The run does not exist (404).</summary>
    public const string RunNotFound = "RUN_NOT_FOUND";

    /// <summary>The step does not exist (404).</summary>
    public const string StepNotFound = "STEP_NOT_FOUND";

    /// <summary>The hook does not exist or was disposed (404).</summary>
    public const string HookNotFound = "HOOK_NOT_FOUND";

    /// <summary>The wait does not exist (404).</summary>
    public const string WaitNotFound = "WAIT_NOT_FOUND";

    /// <summary>The event does not exist (404).</summary>
    public const string EventNotFound = "EVENT_NOT_FOUND";

    /// <summary>No dead letter has the id.</summary>
    public const string DeadLetterNotFound = "DEAD_LETTER_NOT_FOUND";

    /// <summary>No schedule has the id (404).</summary>
    public const string ScheduleNotFound = "SCHEDULE_NOT_FOUND";

    /// <summary>A schedule definition is invalid: its cron expression, interval, time zone or a policy value (400).</summary>
    public const string InvalidSchedule = "INVALID_SCHEDULE";

    /// <summary>A write to a closed stream.</summary>
    public const string StreamClosed = "STREAM_CLOSED";

    /// <summary>A queue lease lapsed before its message was settled.</summary>
    public const string LeaseExpired = "LEASE_EXPIRED";

    /// <summary>A duplicate creation or an illegal transition (409).</summary>
    public const string EntityConflict = "ENTITY_CONFLICT";

    /// <summary>The run has ended; no new work may start on it (410).</summary>
    public const string RunExpired = "RUN_EXPIRED";

    /// <summary>An optimistic-concurrency precondition failed (412).</summary>
    public const string PreconditionFailed = "PRECONDITION_FAILED";

    /// <summary>The step may not start before its retry-after time (425).</summary>
    public const string TooEarly = "TOO_EARLY";

    /// <summary>The run's spec version is not supported by this World (400).</summary>
    public const string RunNotSupported = "RUN_NOT_SUPPORTED";

    /// <summary>The World does not offer the requested capability (501).</summary>
    public const string NotSupported = "NOT_SUPPORTED";

    /// <summary>The queue is at its maximum backlog; retry once it drains (429).</summary>
    public const string QueueFull = "QUEUE_FULL";

    /// <summary>A transient backend failure such as a lost connection; retrying may succeed (503).</summary>
    public const string Transient = "TRANSIENT";

    /// <summary>The backend is not set up for the call (schema missing or not migrated, permission denied) (500).</summary>
    public const string Configuration = "CONFIGURATION";
}
