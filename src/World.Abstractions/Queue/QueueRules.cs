using World.Rules;

namespace World.Queue;

/// <summary>
/// The queue's rules, in one place for every backend: input validation and bounds, message ids, and when a message
/// is dead-lettered.
/// </summary>
public static class QueueRules
{
    /// <summary>The largest payload a message may carry.</summary>
    public const int MaxPayloadBytes = 16 * 1024 * 1024;

    /// <summary>The most headers a message may carry.</summary>
    public const int MaxHeaders = 64;

    /// <summary>The largest failure budget.</summary>
    public const int MaxAttemptsLimit = 1000;

    /// <summary>The most messages one claim may lease.</summary>
    public const int MaxClaim = 1000;

    /// <summary>The most messages one <see cref="IWorldQueue.EnqueueBatchAsync"/> may enqueue.</summary>
    public const int MaxBatch = 1000;

    /// <summary>The longest delay (and lease); longer waits belong to the workflow (durable sleeps), not the queue.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromDays(3650);

    /// <summary>The error recorded when a lease lapses before its message was settled.</summary>
    public static StructuredError LeaseExpired { get; } = new(
        "The lease expired before the message was settled: the consumer crashed, stalled or lost its connection.",
        Code: WorldErrorCodes.LeaseExpired);

    /// <summary>Whether a message with <paramref name="failures"/> failed deliveries goes to the dead-letter store.</summary>
    public static bool IsExhausted(int failures, int maxAttempts) => failures >= maxAttempts;

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

        RequireDelay(timeout, "timeout");
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
