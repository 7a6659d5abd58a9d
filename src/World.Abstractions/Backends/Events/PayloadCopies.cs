using System.Diagnostics.CodeAnalysis;
namespace World.Backends;

/// <summary>
/// Detaches a request from everything the caller still owns: payload buffers, dictionaries and lists. A database
/// copies on write by nature; an in-memory store must do it explicitly, or a caller reusing its buffer, dictionary or
/// list would rewrite stored history. Kit: <c>HostileInputTests.Mutating_request_objects_after_the_call_does_not_rewrite_stored_history</c>.
/// </summary>
[Experimental(BackendApi.DiagnosticId, Message = BackendApi.Message)]
public static class PayloadCopies
{
    /// <summary>A copy of <paramref name="request"/> sharing no buffer, dictionary or list with the caller.</summary>
    public static EventRequest Detach(EventRequest request) =>
        request?.Data is null ? request! : request with { Data = Detach(request.Data) };

    /// <summary>A copy of <paramref name="run"/> sharing no buffer, dictionary or list with the caller.</summary>
    public static RunCreationRequest Detach(RunCreationRequest run) =>
        run?.Data is null ? run! : run with { Data = (RunCreated)Detach(run.Data) };

    private static EventData Detach(EventData data) => data switch
    {
        RunCreated d => d with { Input = Copy(d.Input), ExecutionContext = Copy(d.ExecutionContext), Attributes = Copy(d.Attributes) },
        RunStarted d => d with { Input = Copy(d.Input), ExecutionContext = Copy(d.ExecutionContext), Attributes = Copy(d.Attributes) },
        StepStarted d => d with { Input = Copy(d.Input) },
        AttrSet d => d.Changes is null ? d : d with { Changes = [.. d.Changes] },
        RunCompleted d => d with { Output = Copy(d.Output) },
        StepCreated d => d with { Input = Copy(d.Input) },
        StepCompleted d => d with { Result = Copy(d.Result) },
        HookCreated d => d with { Metadata = Copy(d.Metadata) },
        HookReceived d => d with { Payload = Copy(d.Payload) },
        _ => data,
    };

    private static System.Collections.ObjectModel.ReadOnlyDictionary<string, string>? Copy(IReadOnlyDictionary<string, string>? map)
    {
        if (map is null)
        {
            return null;
        }

        // Indexer assignment, not the copy constructor: a caller's dictionary type may enumerate a key twice.
        var copy = new Dictionary<string, string>(map.Count, StringComparer.Ordinal);
        foreach (var (key, value) in map)
        {
            copy[key] = value;
        }

        return copy.AsReadOnly();
    }

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
