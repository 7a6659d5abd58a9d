using System.Collections.Frozen;

namespace World;

/// <summary>Maps <see cref="EventType"/> to and from its stable wire name (<c>run_created</c>, ...).</summary>
public static class EventTypeNames
{
    private static readonly FrozenDictionary<EventType, string> Names = new Dictionary<EventType, string>
    {
        [EventType.RunCreated] = "run_created",
        [EventType.RunStarted] = "run_started",
        [EventType.RunCompleted] = "run_completed",
        [EventType.RunFailed] = "run_failed",
        [EventType.RunCancelled] = "run_cancelled",
        [EventType.AttrSet] = "attr_set",
        [EventType.StepCreated] = "step_created",
        [EventType.StepStarted] = "step_started",
        [EventType.StepCompleted] = "step_completed",
        [EventType.StepFailed] = "step_failed",
        [EventType.StepRetrying] = "step_retrying",
        [EventType.HookCreated] = "hook_created",
        [EventType.HookReceived] = "hook_received",
        [EventType.HookDisposed] = "hook_disposed",
        [EventType.HookConflict] = "hook_conflict",
        [EventType.WaitCreated] = "wait_created",
        [EventType.WaitCompleted] = "wait_completed",
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, EventType> Types =
        Names.ToFrozenDictionary(pair => pair.Value, pair => pair.Key, StringComparer.Ordinal);

    /// <summary>The wire name of <paramref name="type"/>.</summary>
    public static string ToWireName(this EventType type) =>
        Names.TryGetValue(type, out var name) ? name : throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown event type.");

    /// <summary>Parses a wire name; returns false for unknown names.</summary>
    public static bool TryParse(string wireName, out EventType type) => Types.TryGetValue(wireName, out type);
}
