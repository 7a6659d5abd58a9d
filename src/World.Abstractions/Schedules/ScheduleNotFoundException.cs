namespace World;

/// <summary>No schedule has the id (code <c>SCHEDULE_NOT_FOUND</c>, 404).</summary>
public sealed class ScheduleNotFoundException : EntityNotFoundException
{
    /// <summary>Creates the exception.</summary>
    public ScheduleNotFoundException(string scheduleId)
        : base(EntityKind.Schedule, scheduleId, WorldErrorCodes.ScheduleNotFound, $"Schedule '{scheduleId}' was not found.")
    {
    }
}
