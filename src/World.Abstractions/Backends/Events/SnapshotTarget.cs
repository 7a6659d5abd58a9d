using System.Diagnostics.CodeAnalysis;
namespace World.Backends;

/// <summary>Which entity of the run a backend must load into the <see cref="EventSnapshot"/> before deciding.</summary>
[Experimental(BackendApi.DiagnosticId, Message = BackendApi.Message)]
public enum SnapshotTarget
{
    /// <summary>Only the run.</summary>
    None,

    /// <summary>The run and the step named by the correlation id.</summary>
    Step,

    /// <summary>The run and the hook named by the correlation id (and, for <c>hook_created</c>, the holder of the token).</summary>
    Hook,

    /// <summary>The run and the wait named by the correlation id.</summary>
    Wait,
}
