namespace World.InMemory.Storage;

/// <summary>
/// Detaches request payloads from the caller's buffers. A database copies bytes on write by nature; an in-memory
/// store must do it explicitly, or a caller reusing its buffer would rewrite history.
/// </summary>
internal static class PayloadCopies
{
    public static EventRequest Detach(EventRequest request) =>
        request?.Data is null ? request! : request with { Data = Detach(request.Data) };

    public static RunCreationRequest Detach(RunCreationRequest run) =>
        run?.Data is null ? run! : run with { Data = (RunCreated)Detach(run.Data) };

    private static EventData Detach(EventData data) => data switch
    {
        RunCreated d => d with { Input = Copy(d.Input) },
        RunStarted d => d with { Input = Copy(d.Input) },
        RunCompleted d => d with { Output = Copy(d.Output) },
        StepCreated d => d with { Input = Copy(d.Input) },
        StepCompleted d => d with { Result = Copy(d.Result) },
        HookCreated d => d with { Metadata = Copy(d.Metadata) },
        HookReceived d => d with { Payload = Copy(d.Payload) },
        _ => data,
    };

    // Beware: `payload?.ToArray()` or `x ? memory : null` turn "absent" into "empty", because a null literal or
    // null byte[] converts implicitly to an empty ReadOnlyMemory<byte>. Keep the nullable type explicit.
    private static ReadOnlyMemory<byte>? Copy(ReadOnlyMemory<byte>? payload)
    {
        if (!payload.HasValue)
        {
            return default(ReadOnlyMemory<byte>?);
        }

        return payload.Value.ToArray();
    }
}
