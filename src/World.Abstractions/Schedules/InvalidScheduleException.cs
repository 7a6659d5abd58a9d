namespace World;

/// <summary>A schedule definition is invalid (code <c>INVALID_SCHEDULE</c>, 400): nothing was stored or enabled.</summary>
public sealed class InvalidScheduleException : WorldValidationException
{
    /// <summary>Creates the exception for the named field of the definition.</summary>
    public InvalidScheduleException(string message, string field)
        : base(WorldErrorCodes.InvalidSchedule, message, field)
    {
    }
}
