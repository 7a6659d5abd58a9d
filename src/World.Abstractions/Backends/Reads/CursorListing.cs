using System.Diagnostics.CodeAnalysis;
namespace World.Backends;

/// <summary>
/// The listing a cursor belongs to. A cursor names its listing and is bound to its scope (the run, queue or stream
/// listed), so a cursor passed to another listing is refused instead of being read as a position there.
/// </summary>
[Experimental(BackendApi.DiagnosticId, Message = BackendApi.Message)]
public enum CursorListing
{
    /// <summary><see cref="IRunStore.ListAsync"/>.</summary>
    Runs = 1,

    /// <summary><see cref="IStepStore.ListAsync"/>, scoped to a run.</summary>
    Steps = 2,

    /// <summary><see cref="IEventStore.ListAsync"/>, scoped to a run.</summary>
    Events = 3,

    /// <summary><see cref="IHookStore.ListAsync"/>, scoped to a run or to all runs.</summary>
    Hooks = 4,

    /// <summary><see cref="IWorldQueue.ListDeadLettersAsync"/>, scoped to a queue or to all queues.</summary>
    DeadLetters = 5,

    /// <summary><see cref="IWorldStreams.GetChunksAsync"/>, scoped to a stream.</summary>
    StreamChunks = 6,

    /// <summary><see cref="ISchedules.ListAsync"/>, scoped to a workflow name filter or unscoped.</summary>
    Schedules = 7,

    /// <summary><see cref="ISchedules.ListFiresAsync"/>, scoped to a schedule.</summary>
    ScheduleFires = 8,
}
