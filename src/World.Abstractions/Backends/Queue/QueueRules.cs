using System.Diagnostics.CodeAnalysis;

namespace World.Backends;

/// <summary>
/// The queue's rules, in one place for every backend: input validation and bounds, message ids, and when a message
/// is dead-lettered.
/// </summary>
[Experimental(BackendApi.DiagnosticId, Message = BackendApi.Message)]
public static class QueueRules
{
    /// <summary>The largest payload a message may carry.</summary>
    public const int MaxPayloadBytes = WorldLimits.MaxMessagePayloadBytes;

    /// <summary>The most headers a message may carry.</summary>
    public const int MaxHeaders = WorldLimits.MaxMessageHeaders;

    /// <summary>The largest failure budget.</summary>
    public const int MaxAttemptsLimit = WorldLimits.MaxMessageAttempts;

    /// <summary>The most messages one claim may lease.</summary>
    public const int MaxClaim = WorldLimits.MaxClaim;

    /// <summary>The most messages one <see cref="IWorldQueue.EnqueueBatchAsync"/> may enqueue.</summary>
    public const int MaxBatch = WorldLimits.MaxEnqueueBatch;

    /// <summary>The longest delay (and lease); longer waits belong to the workflow (durable sleeps), not the queue.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromDays(3650);

    /// <summary>The error recorded when a lease lapses before its message was settled.</summary>
    public static StructuredError LeaseExpired { get; } = new(
        "The lease expired before the message was settled: the consumer crashed, stalled or lost its connection.",
        Code: WorldErrorCodes.LeaseExpired);

    /// <summary>
    /// The failures one failed delivery adds to a message's count: a reported failure (<see cref="IWorldQueue.FailAsync"/>)
    /// and a lease that lapsed before settlement alike. SQL that settles failures set-wise takes it as a parameter.
    /// </summary>
    public const int FailuresPerFailedDelivery = 1;

    /// <summary>
    /// The dead-letter rule: whether a message with <paramref name="failures"/> failed deliveries has spent its budget
    /// and goes to the dead-letter store. Set-wise SQL states it as <c>failures + FailuresPerFailedDelivery &gt;= max_attempts</c>.
    /// Kit: <c>QueueTests.A_message_that_spends_its_attempts_is_dead_lettered_with_its_history</c>,
    /// <c>QueueTests.Expired_leases_spend_attempts_too</c>.
    /// </summary>
    public static bool IsExhausted(int failures, int maxAttempts) => failures >= maxAttempts;

    /// <summary>
    /// The outcome of one failed delivery of a message that had <paramref name="failuresBefore"/> failures: retried
    /// (after the failure's delay, or at once for a lapsed lease) or dead-lettered by <see cref="IsExhausted"/>.
    /// Kit: <c>QueueTests.A_failure_retries_after_its_delay_and_counts</c>,
    /// <c>QueueTests.A_message_that_spends_its_attempts_is_dead_lettered_with_its_history</c>.
    /// </summary>
    public static FailureOutcome DecideFailure(int failuresBefore, int maxAttempts) =>
        IsExhausted(failuresBefore + FailuresPerFailedDelivery, maxAttempts) ? FailureOutcome.DeadLettered : FailureOutcome.Retrying;

    /// <summary>
    /// The coalescing rule (<see cref="EnqueueOptions.Coalesce"/>) for a duplicate that meets the live message holding
    /// its key: a pending message becomes available no later than the duplicate asks (never later than it already
    /// was); a leased message keeps its time and is marked to run again when its holder settles it.
    /// Kit: <c>QueueTests.A_coalescing_enqueue_pulls_a_later_pending_message_forward</c>,
    /// <c>QueueTests.A_coalescing_enqueue_never_delays_a_pending_message</c>,
    /// <c>QueueTests.A_coalescing_enqueue_during_a_lease_redelivers_the_message_after_completion</c>.
    /// </summary>
    /// <param name="leased">Whether the live message is leased.</param>
    /// <param name="availableAt">When the live message is available now.</param>
    /// <param name="requestedAt">When the duplicate asks it to be available.</param>
    public static CoalescedMessage Coalesce(bool leased, DateTimeOffset availableAt, DateTimeOffset requestedAt) =>
        leased ? new CoalescedMessage(availableAt, Rerun: true)
            : new CoalescedMessage(requestedAt < availableAt ? requestedAt : availableAt, Rerun: false);

    /// <summary>
    /// When a released message is available again: after the release's delay, or at once when a coalescing enqueue
    /// marked it during the lease (the wake-up must not wait out a backoff).
    /// Kit: <c>QueueTests.A_coalescing_enqueue_during_a_lease_cuts_a_delayed_release_short</c>.
    /// </summary>
    public static DateTimeOffset AvailableAfterRelease(bool rerun, DateTimeOffset now, DateTimeOffset requestedAt) => rerun ? now : requestedAt;

    /// <summary>
    /// Whether a completed message is done (deleted); a message a coalescing enqueue marked during its lease is
    /// instead made available again at once.
    /// Kit: <c>QueueTests.A_coalescing_enqueue_during_a_lease_redelivers_the_message_after_completion</c>,
    /// <c>QueueTests.A_wake_up_racing_a_completion_is_never_lost_and_never_doubled</c>.
    /// </summary>
    public static bool IsDoneOnCompletion(bool rerun) => !rerun;

    /// <summary>
    /// The message a dead letter returns as when replayed: its own id, payload and key, a fresh failure budget, available
    /// at <paramref name="now"/>. Kit: <c>QueueTests.A_replayed_dead_letter_returns_with_its_id_and_a_fresh_budget</c>.
    /// </summary>
    public static PreparedMessage PrepareReplay(DeadLetter letter, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(letter);
        return new PreparedMessage
        {
            MessageId = letter.MessageId,
            QueueName = letter.QueueName,
            Payload = letter.Payload ?? throw new ArgumentException("A replayed dead letter needs its payload.", nameof(letter)),
            Headers = letter.Headers,
            Priority = letter.Priority,
            IdempotencyKey = letter.IdempotencyKey,
            ConcurrencyKey = letter.ConcurrencyKey,
            MaxAttempts = letter.MaxAttempts,
            EnqueuedAt = letter.EnqueuedAt,
            AvailableAt = EventRules.Normalize(now),
        };
    }

    /// <summary>Validates an enqueue request and fixes its id and times.</summary>
    /// <exception cref="WorldValidationException">A name, key, header, delay or budget is invalid.</exception>
    /// <exception cref="PayloadTooLargeException">The payload exceeds <see cref="MaxPayloadBytes"/>.</exception>
    public static PreparedMessage PrepareEnqueue(string queueName, ReadOnlyMemory<byte> payload, EnqueueOptions? options, DateTimeOffset now)
    {
        now = EventRules.Normalize(now);
        return Prepare(queueName, payload, options, now, WorldIds.New(IdPrefixes.Message, now));
    }

    private static PreparedMessage Prepare(string queueName, ReadOnlyMemory<byte> payload, EnqueueOptions? options, DateTimeOffset now, string messageId)
    {
        options ??= EnqueueOptions.Default;
        IdValidation.RequireName(queueName, "queueName");
        if (payload.Length > MaxPayloadBytes)
        {
            throw new PayloadTooLargeException("payload", payload.Length, MaxPayloadBytes);
        }

        if (options.IdempotencyKey is not null)
        {
            IdValidation.RequireName(options.IdempotencyKey, "idempotencyKey");
        }

        if (options.ConcurrencyKey is not null)
        {
            IdValidation.RequireKey(options.ConcurrencyKey, "concurrencyKey", IdValidation.MaxKeyBytes);
        }

        if (options.Coalesce && options.IdempotencyKey is null)
        {
            throw new WorldValidationException("coalesce needs an idempotencyKey: it merges into the live message holding that key.", "coalesce");
        }

        var delay = RequireDelay(options.Delay ?? TimeSpan.Zero, "delay");
        if (options.MaxAttempts is < 1 or > MaxAttemptsLimit)
        {
            throw new WorldValidationException($"maxAttempts must be between 1 and {MaxAttemptsLimit}, got {options.MaxAttempts}.", "maxAttempts");
        }

        var headers = ValidateHeaders(options.Headers);
        return new PreparedMessage
        {
            MessageId = messageId,
            QueueName = queueName,
            Payload = payload.ToArray(),
            Headers = headers,
            Priority = options.Priority,
            IdempotencyKey = options.IdempotencyKey,
            ConcurrencyKey = options.ConcurrencyKey,
            Coalesce = options.Coalesce,
            MaxAttempts = options.MaxAttempts,
            EnqueuedAt = now,
            AvailableAt = EventRules.Normalize(now + delay),
        };
    }

    /// <summary>
    /// Validates a batch enqueue and fixes each message's id and times. All messages share one enqueue time and get
    /// ascending ids, so messages of equal priority and availability are delivered in list order.
    /// </summary>
    /// <exception cref="WorldValidationException">The list is missing or too large, or a message is invalid (the error names its index).</exception>
    /// <exception cref="PayloadTooLargeException">A payload exceeds <see cref="MaxPayloadBytes"/>.</exception>
    public static IReadOnlyList<PreparedMessage> PrepareEnqueueBatch(string queueName, IReadOnlyList<EnqueueRequest> messages, DateTimeOffset now)
    {
        if (messages is null)
        {
            throw new WorldValidationException("A list of messages is required.", "messages");
        }

        if (messages.Count > MaxBatch)
        {
            throw new WorldValidationException($"A batch holds at most {MaxBatch} messages, got {messages.Count}.", "messages");
        }

        IdValidation.RequireName(queueName, "queueName");
        now = EventRules.Normalize(now);
        var ids = WorldIds.NewAscending(IdPrefixes.Message, now, messages.Count);
        var prepared = new PreparedMessage[messages.Count];
        for (var i = 0; i < messages.Count; i++)
        {
            var request = messages[i] ?? throw new WorldValidationException($"Message {i} of the batch is null.", "messages");
            try
            {
                prepared[i] = Prepare(queueName, request.Payload, request.Options, now, ids[i]);
            }
            catch (WorldValidationException invalid)
            {
                throw new WorldValidationException($"Message {i} of the batch: {invalid.Message}", $"messages[{i}].{invalid.Field}");
            }
        }

        return prepared;
    }

    /// <summary>
    /// The identity of a consumer's set of queues (order and repeats ignored), for backends that remember the
    /// wake-up signal as of a consumer's last claim so that <see cref="IWorldQueue.WaitForMessagesAsync"/> can end at
    /// once when a wake-up arrived in between.
    /// </summary>
    public static string QueueSetKey(IReadOnlyCollection<string> queueNames)
    {
        ArgumentNullException.ThrowIfNull(queueNames);
        return queueNames.Count == 1
            ? queueNames.First()
            : string.Join('\n', queueNames.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
    }

    /// <summary>Validates a claim request.</summary>
    public static void ValidateClaim(ClaimRequest request)
    {
        if (request is null)
        {
            throw new WorldValidationException("A claim request is required.", "request");
        }

        if (request.QueueNames is null || request.QueueNames.Count == 0)
        {
            throw new WorldValidationException("A claim names at least one queue.", "queueNames");
        }

        foreach (var name in request.QueueNames)
        {
            IdValidation.RequireName(name, "queueNames");
        }

        if (request.MaxMessages is < 1 or > MaxClaim)
        {
            throw new WorldValidationException($"maxMessages must be between 1 and {MaxClaim}, got {request.MaxMessages}.", "maxMessages");
        }

        RequirePositive(request.LeaseDuration, "leaseDuration");
        IdValidation.RequireName(request.Owner, "owner");
    }

    /// <summary>Validates a lease presented for settlement.</summary>
    public static void ValidateLease(QueueLease lease)
    {
        if (lease is null)
        {
            throw new WorldValidationException("A lease is required.", "lease");
        }

        IdValidation.RequireSafeId(lease.MessageId, "messageId");
        IdValidation.RequireSafeId(lease.LeaseId, "leaseId");
    }

    /// <summary>Validates the arguments of <see cref="IWorldQueue.RenewAsync"/>, in parameter order.</summary>
    public static void ValidateRenew(QueueLease lease, TimeSpan leaseDuration)
    {
        ValidateLease(lease);
        RequirePositive(leaseDuration, "leaseDuration");
    }

    /// <summary>Validates the arguments of <see cref="IWorldQueue.ReleaseAsync"/>, in parameter order.</summary>
    public static void ValidateRelease(QueueLease lease, TimeSpan delay)
    {
        ValidateLease(lease);
        RequireDelay(delay, "delay");
    }

    /// <summary>
    /// Validates the arguments of <see cref="IWorldQueue.FailAsync"/>, in parameter order: the lease, then the failure.
    /// Kit: <c>QueueTests.Settlement_arguments_are_checked_in_parameter_order</c>.
    /// </summary>
    public static void ValidateFail(QueueLease lease, QueueFailure failure)
    {
        ValidateLease(lease);
        ValidateFailure(failure);
    }

    /// <summary>Validates a failure reported for a delivery: an error with a message, well-formed text, a valid retry delay.</summary>
    /// <exception cref="WorldException">The failure is missing or invalid.</exception>
    public static void ValidateFailure(QueueFailure failure)
    {
        if (failure is null)
        {
            throw new WorldValidationException("A failure with an error message is required.", "failure");
        }

        EventRules.ValidateError(failure.Error, "failure.error", MaxPayloadBytes);
        RequireDelay(failure.RetryDelay, "failure.retryDelay");
    }

    /// <summary>Validates the queue names and timeout of <see cref="IWorldQueue.WaitForMessagesAsync"/>.</summary>
    /// <exception cref="WorldValidationException">A name or the timeout is invalid.</exception>
    public static void ValidateWait(IReadOnlyCollection<string> queueNames, TimeSpan timeout)
    {
        if (queueNames is null || queueNames.Count == 0)
        {
            throw new WorldValidationException("A wait names at least one queue.", "queueNames");
        }

        foreach (var name in queueNames)
        {
            IdValidation.RequireName(name, "queueNames");
        }

        ReadRules.RequireTimeout(timeout);
    }

    /// <summary>Validates a delay: not negative, at most <see cref="MaxDelay"/>.</summary>
    public static TimeSpan RequireDelay(TimeSpan delay, string field) =>
        delay < TimeSpan.Zero || delay > MaxDelay
            ? throw new WorldValidationException($"{field} must be between 0 and {MaxDelay.TotalDays:0} days, got {delay}.", field)
            : delay;

    /// <summary>Validates a duration: positive, at most <see cref="MaxDelay"/>.</summary>
    public static TimeSpan RequirePositive(TimeSpan duration, string field) =>
        duration <= TimeSpan.Zero || duration > MaxDelay
            ? throw new WorldValidationException($"{field} must be positive and at most {MaxDelay.TotalDays:0} days, got {duration}.", field)
            : duration;

    private static Dictionary<string, string> ValidateHeaders(IReadOnlyDictionary<string, string>? headers)
    {
        var copy = new Dictionary<string, string>(StringComparer.Ordinal);
        if (headers is null)
        {
            return copy;
        }

        if (headers.Count > MaxHeaders)
        {
            throw new WorldValidationException($"A message carries at most {MaxHeaders} headers, got {headers.Count}.", "headers");
        }

        foreach (var (key, value) in headers)
        {
            IdValidation.RequireKey(key, "headers", IdValidation.MaxKeyBytes);
            if (value is null)
            {
                throw new WorldValidationException($"The value of header '{key}' is null.", "headers");
            }

            TextRules.RequireText(value, "headers", TextRules.MaxTextBytes);

            copy[key] = value;
        }

        return copy;
    }
}
