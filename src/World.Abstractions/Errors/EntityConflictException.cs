namespace World;

/// <summary>
/// A duplicate creation, a second terminal transition, or a transition out of a terminal state (409).
/// Callers that raced for the same outcome treat it as "already done".
/// </summary>
public sealed class EntityConflictException : WorldException
{
    /// <summary>Creates the exception.</summary>
    public EntityConflictException(string message)
        : base(WorldErrorCodes.EntityConflict, 409, message)
    {
    }
}
