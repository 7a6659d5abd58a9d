using System.Diagnostics.CodeAnalysis;

namespace World.Backends;

/// <summary>
/// The one place that decides flow control (<see cref="QueuePolicy"/>): which ready messages a claim may lease under a
/// queue's concurrency caps and rate limit, whether an enqueue fits the backlog limit, how a token bucket refills,
/// and why a message is held back. Backends store the policy and the bucket and apply these decisions inside their
/// claim and enqueue; PostgreSQL states them set-wise in SQL (see <c>QueueSql</c> there). Kit: <c>FlowControlTests</c>.
/// </summary>
[Experimental(BackendApi.DiagnosticId, Message = BackendApi.Message)]
public static class FlowRules
{
    /// <summary>The largest concurrency cap, backlog limit, rate or burst a policy may hold.</summary>
    public const int MaxLimit = 1_000_000;

    /// <summary>The longest rate-limit period.</summary>
    public static readonly TimeSpan MaxRatePeriod = TimeSpan.FromDays(1);

    /// <summary>The shortest rate-limit period.</summary>
    public static readonly TimeSpan MinRatePeriod = TimeSpan.FromMilliseconds(1);

    /// <summary>Validates a queue name and its policy.</summary>
    /// <exception cref="WorldValidationException">The name, a cap, the backlog limit or the rate limit is out of range.</exception>
    public static QueuePolicy ValidatePolicy(string queueName, QueuePolicy policy)
    {
        IdValidation.RequireName(queueName, "queueName");
        if (policy is null)
        {
            throw new WorldValidationException("A queue policy is required; QueuePolicy.Unlimited removes every limit.", "policy");
        }

        RequireLimit(policy.MaxConcurrency, "maxConcurrency");
        RequireLimit(policy.MaxConcurrencyPerKey, "maxConcurrencyPerKey");
        RequireLimit(policy.MaxBacklog, "maxBacklog");
        if (policy.RateLimit is { } rate)
        {
            RequireLimit(rate.Limit, "rateLimit.limit");
            RequireLimit(rate.Burst, "rateLimit.burst");
            if (rate.Period < MinRatePeriod || rate.Period > MaxRatePeriod)
            {
                throw new WorldValidationException($"rateLimit.period must be between {MinRatePeriod.TotalMilliseconds} ms and {MaxRatePeriod.TotalDays} day, got {rate.Period}.", "rateLimit.period");
            }

            if (rate.Period.Ticks % TimeSpan.TicksPerMillisecond != 0)
            {
                throw new WorldValidationException($"rateLimit.period must be whole milliseconds, got {rate.Period}.", "rateLimit.period");
            }
        }

        return policy;
    }

    /// <summary>Whether the policy limits nothing (the backend may forget it).</summary>
    public static bool IsUnlimited(QueuePolicy policy) => policy == QueuePolicy.Unlimited;

    /// <summary>
    /// Whether the policy constrains claims (pause, a cap or a rate limit): claims of such a queue are serialized by
    /// the backend so that the caps hold across processes; other queues are claimed without any flow-control cost.
    /// </summary>
    public static bool GatesClaims(QueuePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy.Paused || policy.MaxConcurrency is not null || policy.MaxConcurrencyPerKey is not null || policy.RateLimit is not null;
    }

    /// <summary>
    /// The tokens of a bucket that held <paramref name="tokens"/> at <paramref name="tokensAt"/>, as of
    /// <paramref name="now"/>: <c>min(burst, tokens + elapsed ms × limit ÷ period ms)</c>; a clock that went back adds
    /// nothing. PostgreSQL states the same formula in its claim SQL.
    /// </summary>
    public static double Refill(QueueRateLimit rate, double tokens, DateTimeOffset tokensAt, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(rate);
        var elapsed = Math.Max(0, (now - tokensAt).TotalMilliseconds);
        return Math.Min(rate.Burst, tokens + (elapsed * rate.Limit / rate.Period.TotalMilliseconds));
    }

    /// <summary>When a bucket holding <paramref name="tokens"/> now has a whole token.</summary>
    public static DateTimeOffset NextTokenAt(QueueRateLimit rate, double tokens, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(rate);
        return tokens >= 1 ? now : now + TimeSpan.FromMilliseconds(Math.Ceiling((1 - tokens) * rate.Period.TotalMilliseconds / rate.Limit));
    }

    /// <summary>
    /// How many messages of one queue a claim asking for <paramref name="requested"/> may lease: none while paused,
    /// no more than the free slots under <see cref="QueuePolicy.MaxConcurrency"/> (given <paramref name="leased"/>),
    /// no more than the whole tokens of the rate limit.
    /// </summary>
    public static int ClaimAllowance(QueuePolicy policy, long leased, double tokens, int requested)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.Paused)
        {
            return 0;
        }

        long allowance = requested;
        if (policy.MaxConcurrency is { } cap)
        {
            allowance = Math.Min(allowance, cap - leased);
        }

        if (policy.RateLimit is not null)
        {
            allowance = Math.Min(allowance, (long)Math.Floor(tokens));
        }

        return (int)Math.Max(0, allowance);
    }

    /// <summary>
    /// The messages a claim leases from one queue: walking its ready messages in delivery order, it takes each one
    /// whose key still has a free slot under <see cref="QueuePolicy.MaxConcurrencyPerKey"/> (counting
    /// <paramref name="leasedByKey"/> and those taken before it), until <see cref="ClaimAllowance"/> is reached. A
    /// message whose key is full is skipped, not waited for, so other keys keep flowing.
    /// </summary>
    public static List<T> SelectClaimable<T>(
        QueuePolicy policy,
        IEnumerable<T> readyInDeliveryOrder,
        Func<T, string?> keyOf,
        long leased,
        IReadOnlyDictionary<string, int> leasedByKey,
        double tokens,
        int requested)
    {
        ArgumentNullException.ThrowIfNull(readyInDeliveryOrder);
        ArgumentNullException.ThrowIfNull(keyOf);
        ArgumentNullException.ThrowIfNull(leasedByKey);
        var allowance = ClaimAllowance(policy, leased, tokens, requested);
        var taken = new List<T>(Math.Min(allowance, 64));
        if (allowance == 0)
        {
            return taken;
        }

        var takenByKey = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var message in readyInDeliveryOrder)
        {
            if (keyOf(message) is { } key && policy.MaxConcurrencyPerKey is { } perKey)
            {
                var running = leasedByKey.GetValueOrDefault(key) + takenByKey.GetValueOrDefault(key);
                if (running >= perKey)
                {
                    continue;
                }

                takenByKey[key] = takenByKey.GetValueOrDefault(key) + 1;
            }

            taken.Add(message);
            if (taken.Count == allowance)
            {
                break;
            }
        }

        return taken;
    }

    /// <summary>
    /// Admits an enqueue that adds <paramref name="added"/> new messages (duplicates that merged into a live message
    /// add none) to a queue holding <paramref name="liveBefore"/> live messages.
    /// </summary>
    /// <exception cref="QueueFullException">The queue would hold more than <see cref="QueuePolicy.MaxBacklog"/> live messages.</exception>
    public static void AdmitEnqueue(string queueName, QueuePolicy policy, long liveBefore, int added)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.MaxBacklog is { } max && added > 0 && liveBefore + added > max)
        {
            throw new QueueFullException(queueName, liveBefore, max);
        }
    }

    /// <summary>
    /// How many of an enqueue's prepared messages add a live message: every unkeyed one, and each keyed one whose key
    /// no live message of the queue holds (<paramref name="keyIsLive"/>) and no earlier message of the list repeats.
    /// </summary>
    public static int NewMessages(IReadOnlyList<PreparedMessage> prepared, Func<string, bool> keyIsLive)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        ArgumentNullException.ThrowIfNull(keyIsLive);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var added = 0;
        foreach (var message in prepared)
        {
            if (message.IdempotencyKey is not { } key || (!keyIsLive(key) && seen.Add(key)))
            {
                added++;
            }
        }

        return added;
    }

    /// <summary>
    /// Why an available, unleased message is held back by its queue's policy, or null when the policy lets a claim
    /// take it: paused, queue at its cap, key at its cap, or out of rate tokens (with the next token's time).
    /// </summary>
    public static (DispatchReason Reason, DateTimeOffset? Until)? HeldBack(QueueFlowState flow, string? concurrencyKey, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(flow);
        var policy = flow.Policy;
        if (policy.Paused)
        {
            return (DispatchReason.Paused, null);
        }

        if (policy.MaxConcurrency is { } cap && flow.Leased >= cap)
        {
            return (DispatchReason.QueueAtConcurrencyLimit, null);
        }

        if (concurrencyKey is not null && policy.MaxConcurrencyPerKey is { } perKey && flow.LeasedWithKey >= perKey)
        {
            return (DispatchReason.KeyAtConcurrencyLimit, null);
        }

        if (policy.RateLimit is { } rate && flow.Tokens < 1)
        {
            return (DispatchReason.RateLimited, NextTokenAt(rate, flow.Tokens, now));
        }

        return null;
    }

    private static void RequireLimit(int? value, string field)
    {
        if (value is < 1 or > MaxLimit)
        {
            throw new WorldValidationException($"{field} must be between 1 and {MaxLimit}, got {value}.", field);
        }
    }
}
