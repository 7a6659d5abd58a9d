using System.Text.Json.Serialization;

namespace World;

/// <summary>
/// The typed data of an event. Each event type has one sealed subtype; System.Text.Json (de)serializes
/// them polymorphically with the <c>eventType</c> discriminator.
/// </summary>
/// <remarks>
/// Payload members are opaque bytes. When an event is read with <see cref="ResolveData.None"/> its payload
/// ("ref") member is set to <see langword="null"/>; every other member is plaintext metadata and is kept.
/// </remarks>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "eventType", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(RunCreated), "run_created")]
[JsonDerivedType(typeof(RunStarted), "run_started")]
[JsonDerivedType(typeof(RunCompleted), "run_completed")]
[JsonDerivedType(typeof(RunFailed), "run_failed")]
[JsonDerivedType(typeof(RunCancelled), "run_cancelled")]
[JsonDerivedType(typeof(AttrSet), "attr_set")]
[JsonDerivedType(typeof(StepCreated), "step_created")]
[JsonDerivedType(typeof(StepStarted), "step_started")]
[JsonDerivedType(typeof(StepCompleted), "step_completed")]
[JsonDerivedType(typeof(StepFailed), "step_failed")]
[JsonDerivedType(typeof(StepRetrying), "step_retrying")]
[JsonDerivedType(typeof(HookCreated), "hook_created")]
[JsonDerivedType(typeof(HookReceived), "hook_received")]
[JsonDerivedType(typeof(HookDisposed), "hook_disposed")]
[JsonDerivedType(typeof(HookConflict), "hook_conflict")]
[JsonDerivedType(typeof(WaitCreated), "wait_created")]
[JsonDerivedType(typeof(WaitCompleted), "wait_completed")]
public abstract record EventData
{
    private protected EventData(EventType eventType)
    {
        EventType = eventType;
    }

    /// <summary>The event type this data belongs to (serialized as the <c>eventType</c> discriminator).</summary>
    [JsonIgnore]
    public EventType EventType { get; }

    /// <summary>The same data with its payload member removed, for <see cref="ResolveData.None"/> reads.</summary>
    public abstract EventData WithoutPayload();
}
