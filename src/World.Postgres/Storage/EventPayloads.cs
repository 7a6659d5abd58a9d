using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using World.Serialization;

namespace World.Postgres.Storage;

/// <summary>
/// Splits an event into its payload-free data (stored as JSON in <c>events.data</c>) and its payload (stored in
/// <c>events.payload</c>: raw bytes, or JSON for errors), so that reads with <see cref="ResolveData.None"/> never
/// fetch payload bytes and payloads never pay a base64 detour through JSON.
/// </summary>
// JSON of the contract's own records through WorldJson.Options; the same known trimming gap as WorldJson (see there).
[UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Contract records only, through WorldJson.Options; see WorldJson.")]
[UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Contract records only, through WorldJson.Options; see WorldJson.")]
internal static class EventPayloads
{
    public static byte[] SerializeData(EventData data) => JsonSerializer.SerializeToUtf8Bytes(data.WithoutPayload(), WorldJson.Options);

    public static EventData DeserializeData(byte[] json) =>
        JsonSerializer.Deserialize<EventData>(json, WorldJson.Options) ?? throw new InvalidDataException("An event row holds null data.");

    public static ReadOnlyMemory<byte>? Extract(EventData data) => data switch
    {
        RunCreated created => created.Input,
        RunStarted started => started.Input,
        RunCompleted completed => completed.Output,
        StepCreated created => created.Input,
        StepCompleted completed => completed.Result,
        HookCreated created => created.Metadata,
        HookReceived received => received.Payload,
        RunFailed failed => Serialize(failed.Error),
        StepFailed failed => Serialize(failed.Error),
        StepRetrying retrying => Serialize(retrying.Error),
        _ => null,
    };

    public static EventData Attach(EventData stripped, ReadOnlyMemory<byte>? payload) => payload is not { } bytes ? stripped : stripped switch
    {
        RunCreated created => created with { Input = bytes },
        RunStarted started => started with { Input = bytes },
        RunCompleted completed => completed with { Output = bytes },
        StepCreated created => created with { Input = bytes },
        StepCompleted completed => completed with { Result = bytes },
        HookCreated created => created with { Metadata = bytes },
        HookReceived received => received with { Payload = bytes },
        RunFailed failed => failed with { Error = Deserialize(bytes) },
        StepFailed failed => failed with { Error = Deserialize(bytes) },
        StepRetrying retrying => retrying with { Error = Deserialize(bytes) },
        _ => throw new InvalidDataException($"A {stripped.EventType.ToWireName()} event row holds a payload, which that event type does not have."),
    };

    private static ReadOnlyMemory<byte>? Serialize(StructuredError? error) =>
        error is null ? null : (ReadOnlyMemory<byte>?)JsonSerializer.SerializeToUtf8Bytes(error, WorldJson.Options);

    private static StructuredError Deserialize(ReadOnlyMemory<byte> json) =>
        JsonSerializer.Deserialize<StructuredError>(json.Span, WorldJson.Options) ?? throw new InvalidDataException("An event row holds a null error.");
}
