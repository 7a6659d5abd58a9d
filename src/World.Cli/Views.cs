namespace World.Cli;

/// <summary>An event of a run's log as the tool prints it: its kind, entity and time, never its payload.</summary>
internal sealed record EventView(string EventId, string EventType, string? CorrelationId, DateTimeOffset CreatedAt)
{
    public static EventView Of(WorldEvent worldEvent) =>
        new(worldEvent.EventId, worldEvent.EventType.ToWireName(), worldEvent.CorrelationId, worldEvent.CreatedAt);
}

/// <summary>A live hook as the tool prints it: without its token, which would let the reader resume it.</summary>
internal sealed record HookView(string HookId, bool IsWebhook, DateTimeOffset CreatedAt)
{
    public static HookView Of(Hook hook) => new(hook.HookId, hook.IsWebhook, hook.CreatedAt);
}

/// <summary>The JSON of <c>world runs show</c>.</summary>
internal sealed record RunDetailView(
    WorkflowRun Run,
    IReadOnlyList<Step> Steps,
    bool MoreSteps,
    IReadOnlyList<HookView> Hooks,
    bool MoreHooks,
    IReadOnlyList<Wait> Waits,
    IReadOnlyList<WorkflowRun> Children,
    bool MoreChildren,
    int EventCount,
    DispatchStatus? Dispatch)
{
    public static RunDetailView Of(RunDetail detail) => new(
        detail.Run,
        detail.Steps,
        detail.MoreSteps,
        [.. detail.Hooks.Select(HookView.Of)],
        detail.MoreHooks,
        detail.Waits,
        detail.Children,
        detail.MoreChildren,
        detail.EventCount,
        detail.Dispatch);
}

/// <summary>A dead letter as the tool prints it: the payload only when asked for (<c>--payload</c>), base64.</summary>
internal sealed record DeadLetterView(
    string MessageId,
    string QueueName,
    int Priority,
    string? IdempotencyKey,
    int Attempts,
    int Failures,
    int MaxAttempts,
    StructuredError Reason,
    DateTimeOffset EnqueuedAt,
    DateTimeOffset DeadLetteredAt,
    IReadOnlyDictionary<string, string> Headers,
    int? PayloadBytes,
    string? Payload)
{
    public static DeadLetterView Of(DeadLetter letter, bool withPayload) => new(
        letter.MessageId,
        letter.QueueName,
        letter.Priority,
        letter.IdempotencyKey,
        letter.Attempts,
        letter.Failures,
        letter.MaxAttempts,
        letter.Reason,
        letter.EnqueuedAt,
        letter.DeadLetteredAt,
        letter.Headers,
        letter.Payload?.Length,
        withPayload && letter.Payload is { } payload ? Convert.ToBase64String(payload.Span) : null);
}

/// <summary>A page of a listing: the items and the cursor of the next page.</summary>
internal sealed record PageView<T>(IReadOnlyList<T> Data, string? Cursor, bool HasMore);

/// <summary>A queue's backlog as the tool prints it.</summary>
internal sealed record QueueView(
    string QueueName,
    long Ready,
    long Delayed,
    long Leased,
    long LeaseExpired,
    long Dead,
    double OldestReadyAgeSeconds,
    DateTimeOffset? OldestReadyAt,
    int Consumers,
    int Capacity,
    int InFlight,
    string ReadyReason)
{
    public static QueueView Of(QueueStats stats) => new(
        stats.QueueName,
        stats.Ready,
        stats.Delayed,
        stats.Running,
        stats.LeaseExpired,
        stats.DeadLettered,
        stats.OldestReadyAge.TotalSeconds,
        stats.OldestReadyAt,
        stats.Consumers,
        stats.Capacity,
        stats.InFlight,
        stats.ReadyReason.ToCode());
}

/// <summary>The JSON of <c>world health</c>.</summary>
internal sealed record HealthView(bool Healthy, IReadOnlyList<string> Problems, SchemaStatus? Schema, IReadOnlyList<QueueView> Queues);
