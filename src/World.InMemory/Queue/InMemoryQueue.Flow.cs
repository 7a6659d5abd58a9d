using World.Backends;

namespace World.InMemory.Queue;

// Flow control: each queue's policy and rate-limit bucket, applied under the queue's lock by FlowRules' decisions.
internal sealed partial class InMemoryQueue
{
    private readonly Dictionary<string, FlowState> _policies = new(StringComparer.Ordinal);

    public Task SetPolicyAsync(string queueName, QueuePolicy policy, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        state.ThrowIfDisposed();
        FlowRules.ValidatePolicy(queueName, policy);
        var now = Now();
        lock (_gate)
        {
            if (FlowRules.IsUnlimited(policy))
            {
                _policies.Remove(queueName);
            }
            else
            {
                _policies[queueName] = new FlowState(policy, policy.RateLimit?.Burst ?? 0, now);
            }

            // A resumed or widened queue may have claimable work now.
            SignalLocked();
        }

        return Task.CompletedTask;
    }

    public Task<QueuePolicy> GetPolicyAsync(string queueName, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        state.ThrowIfDisposed();
        IdValidation.RequireName(queueName, "queueName");
        lock (_gate)
        {
            return Task.FromResult(_policies.TryGetValue(queueName, out var flow) ? flow.Policy : QueuePolicy.Unlimited);
        }
    }

    /// <summary>The messages a claim leases from one queue's available ones (delivery order), under its policy.</summary>
    private IEnumerable<QueueEntry> ClaimableLocked(string queueName, IEnumerable<QueueEntry> available, int requested, DateTimeOffset now)
    {
        if (!_policies.TryGetValue(queueName, out var flow) || !FlowRules.GatesClaims(flow.Policy))
        {
            return available.Take(requested);
        }

        var (leased, byKey) = LeasedLocked(queueName);
        return FlowRules.SelectClaimable(flow.Policy, available, static entry => entry.Message.ConcurrencyKey, leased, byKey, flow.TokensNow(now), requested);
    }

    /// <summary>Takes one rate-limit token per message a claim leased from each queue.</summary>
    private void SpendTokensLocked(IEnumerable<QueueEntry> claimed, DateTimeOffset now)
    {
        foreach (var group in claimed.GroupBy(static entry => entry.Message.QueueName, StringComparer.Ordinal))
        {
            if (_policies.TryGetValue(group.Key, out var flow) && flow.Policy.RateLimit is not null)
            {
                _policies[group.Key] = flow with { Tokens = flow.TokensNow(now) - group.Count(), TokensAt = now };
            }
        }
    }

    /// <summary>Refuses an enqueue the queue's backlog limit does not admit; called before anything is written.</summary>
    private void AdmitLocked(IReadOnlyList<PreparedMessage> prepared)
    {
        var queueName = prepared[0].QueueName;
        if (!_policies.TryGetValue(queueName, out var flow) || flow.Policy.MaxBacklog is null)
        {
            return;
        }

        var added = FlowRules.NewMessages(prepared, key => _idempotency.ContainsKey((queueName, key)));
        var live = (_ready.TryGetValue(queueName, out var ready) ? ready.Count : 0) + _leased.Count(entry => entry.Message.QueueName == queueName);
        FlowRules.AdmitEnqueue(queueName, flow.Policy, live, added);
    }

    /// <summary>The flow state that explains a held-back message of <paramref name="queueName"/>, or null without a policy.</summary>
    private QueueFlowState? FlowStateLocked(string queueName, string? concurrencyKey, DateTimeOffset now)
    {
        if (!_policies.TryGetValue(queueName, out var flow))
        {
            return null;
        }

        var (leased, byKey) = LeasedLocked(queueName);
        return new QueueFlowState(flow.Policy, leased, concurrencyKey is null ? 0 : byKey.GetValueOrDefault(concurrencyKey), flow.TokensNow(now));
    }

    /// <summary>The queue's leased messages (lapsed leases not yet reclaimed hold their slot), in all and by concurrency key.</summary>
    private (int Leased, Dictionary<string, int> ByKey) LeasedLocked(string queueName)
    {
        var leased = 0;
        var byKey = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in _leased)
        {
            if (entry.Message.QueueName != queueName)
            {
                continue;
            }

            leased++;
            if (entry.Message.ConcurrencyKey is { } key)
            {
                byKey[key] = byKey.GetValueOrDefault(key) + 1;
            }
        }

        return (leased, byKey);
    }

    /// <summary>Whether settling a message of this queue may let a waiting claim take more (a freed slot).</summary>
    private bool FreesSlotLocked(string queueName) => _policies.TryGetValue(queueName, out var flow) && FlowRules.GatesClaims(flow.Policy);

    private sealed record FlowState(QueuePolicy Policy, double Tokens, DateTimeOffset TokensAt)
    {
        public double TokensNow(DateTimeOffset now) => Policy.RateLimit is { } rate ? FlowRules.Refill(rate, Tokens, TokensAt, now) : 0;
    }
}
