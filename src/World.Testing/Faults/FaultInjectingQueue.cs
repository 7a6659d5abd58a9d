using World.Queue;

namespace World.Testing.Faults;

/// <summary>
/// A World queue that fails calls on purpose before they reach the real queue, as a database outage, a timeout or a
/// defect would: the faults a consumer must survive, on any backend.
/// </summary>
public sealed class FaultInjectingQueue(IWorldQueue inner) : IWorldQueue
{
    /// <summary>Faults of <see cref="ClaimAsync"/>.</summary>
    public FaultScript Claims { get; } = new();

    /// <summary>Faults of <see cref="RenewAsync"/>.</summary>
    public FaultScript Renewals { get; } = new();

    /// <summary>Faults of <see cref="CompleteAsync"/>, <see cref="ReleaseAsync"/> and <see cref="FailAsync"/>.</summary>
    public FaultScript Settlements { get; } = new();

    /// <summary>Faults of <see cref="ReportConsumerAsync"/> and <see cref="RemoveConsumerAsync"/>.</summary>
    public FaultScript ConsumerReports { get; } = new();

    /// <summary>Faults of <see cref="GetStatsAsync"/>.</summary>
    public FaultScript Stats { get; } = new();

    /// <inheritdoc />
    public Task<EnqueueResult> EnqueueAsync(string queueName, ReadOnlyMemory<byte> payload, EnqueueOptions? options = null, CancellationToken cancellationToken = default) =>
        inner.EnqueueAsync(queueName, payload, options, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<EnqueueResult>> EnqueueBatchAsync(string queueName, IReadOnlyList<EnqueueRequest> messages, CancellationToken cancellationToken = default) =>
        inner.EnqueueBatchAsync(queueName, messages, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<QueueMessage>> ClaimAsync(ClaimRequest request, CancellationToken cancellationToken = default)
    {
        Claims.OnCall();
        return inner.ClaimAsync(request, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> CompleteAsync(QueueLease lease, CancellationToken cancellationToken = default)
    {
        Settlements.OnCall();
        return inner.CompleteAsync(lease, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> RenewAsync(QueueLease lease, TimeSpan leaseDuration, CancellationToken cancellationToken = default)
    {
        Renewals.OnCall();
        return inner.RenewAsync(lease, leaseDuration, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> ReleaseAsync(QueueLease lease, TimeSpan delay, CancellationToken cancellationToken = default)
    {
        Settlements.OnCall();
        return inner.ReleaseAsync(lease, delay, cancellationToken);
    }

    /// <inheritdoc />
    public Task<FailureOutcome> FailAsync(QueueLease lease, QueueFailure failure, CancellationToken cancellationToken = default)
    {
        Settlements.OnCall();
        return inner.FailAsync(lease, failure, cancellationToken);
    }

    /// <inheritdoc />
    public Task WaitForMessagesAsync(IReadOnlyCollection<string> queueNames, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        inner.WaitForMessagesAsync(queueNames, timeout, cancellationToken);

    /// <inheritdoc />
    public Task<Page<DeadLetter>> ListDeadLettersAsync(DeadLetterQuery? query = null, CancellationToken cancellationToken = default) =>
        inner.ListDeadLettersAsync(query, cancellationToken);

    /// <inheritdoc />
    public Task<DeadLetter> GetDeadLetterAsync(string messageId, CancellationToken cancellationToken = default) =>
        inner.GetDeadLetterAsync(messageId, cancellationToken);

    /// <inheritdoc />
    public Task ReplayDeadLetterAsync(string messageId, CancellationToken cancellationToken = default) =>
        inner.ReplayDeadLetterAsync(messageId, cancellationToken);

    /// <inheritdoc />
    public Task<int> PurgeDeadLettersAsync(string? queueName = null, IReadOnlyCollection<string>? messageIds = null, CancellationToken cancellationToken = default) =>
        inner.PurgeDeadLettersAsync(queueName, messageIds, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<QueueStats>> GetStatsAsync(IReadOnlyCollection<string>? queueNames = null, CancellationToken cancellationToken = default)
    {
        Stats.OnCall();
        return inner.GetStatsAsync(queueNames, cancellationToken);
    }

    /// <inheritdoc />
    public Task<DispatchStatus> GetDispatchStatusAsync(DispatchQuery query, CancellationToken cancellationToken = default) =>
        inner.GetDispatchStatusAsync(query, cancellationToken);

    /// <inheritdoc />
    public Task SetPolicyAsync(string queueName, QueuePolicy policy, CancellationToken cancellationToken = default) =>
        inner.SetPolicyAsync(queueName, policy, cancellationToken);

    /// <inheritdoc />
    public Task<QueuePolicy> GetPolicyAsync(string queueName, CancellationToken cancellationToken = default) =>
        inner.GetPolicyAsync(queueName, cancellationToken);

    /// <inheritdoc />
    public Task ReportConsumerAsync(ConsumerReport report, CancellationToken cancellationToken = default)
    {
        ConsumerReports.OnCall();
        return inner.ReportConsumerAsync(report, cancellationToken);
    }

    /// <inheritdoc />
    public Task RemoveConsumerAsync(string consumerId, CancellationToken cancellationToken = default)
    {
        ConsumerReports.OnCall();
        return inner.RemoveConsumerAsync(consumerId, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<QueueConsumer>> ListConsumersAsync(CancellationToken cancellationToken = default) =>
        inner.ListConsumersAsync(cancellationToken);
}
