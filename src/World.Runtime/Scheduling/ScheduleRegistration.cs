namespace World.Runtime;

/// <summary>
/// A schedule declared in code (<c>AddSchedule(…)</c>): upserted when the scheduler starts. Code is the source of
/// truth for the definition; the World keeps the runtime state (a schedule paused by an operator stays paused).
/// </summary>
/// <param name="Build">Builds the definition, serializing the input with the runtime's serializer.</param>
public sealed record ScheduleRegistration(Func<IWorkflowSerializer, ScheduleDefinition> Build);
