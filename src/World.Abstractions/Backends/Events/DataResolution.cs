using System.Diagnostics.CodeAnalysis;
namespace World.Backends;

/// <summary>
/// Applies <see cref="ResolveData"/> to entities, events and results, so every backend shapes reads the same way:
/// with <see cref="ResolveData.None"/>, run and step input/output and hook metadata are removed and each event keeps
/// everything but its payload member. Errors and plaintext metadata are always kept.
/// </summary>
[Experimental(BackendApi.DiagnosticId, Message = BackendApi.Message)]
public static class DataResolution
{
    /// <summary>Shapes a run.</summary>
    public static WorkflowRun Apply(WorkflowRun run, ResolveData mode) =>
        mode == ResolveData.All ? run : run with { Input = null, Output = null };

    /// <summary>Shapes a step.</summary>
    public static Step Apply(Step step, ResolveData mode) =>
        mode == ResolveData.All ? step : step with { Input = null, Output = null };

    /// <summary>Shapes a hook.</summary>
    public static Hook Apply(Hook hook, ResolveData mode) =>
        mode == ResolveData.All ? hook : hook with { Metadata = null };

    /// <summary>Shapes an event.</summary>
    public static WorldEvent Apply(WorldEvent worldEvent, ResolveData mode) =>
        mode == ResolveData.All ? worldEvent : worldEvent with { Data = worldEvent.Data.WithoutPayload() };

    /// <summary>Shapes every member of a result.</summary>
    public static EventResult Apply(EventResult result, ResolveData mode)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (mode == ResolveData.All)
        {
            return result;
        }

        return result with
        {
            Event = result.Event is null ? null : Apply(result.Event, mode),
            Run = result.Run is null ? null : Apply(result.Run, mode),
            Step = result.Step is null ? null : Apply(result.Step, mode),
            Hook = result.Hook is null ? null : Apply(result.Hook, mode),
            Events = result.Events?.Select(e => Apply(e, mode)).ToArray(),
        };
    }
}
