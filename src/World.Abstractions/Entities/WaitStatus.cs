namespace World;

/// <summary>The lifecycle status of a <see cref="Wait"/>.</summary>
public enum WaitStatus
{
    /// <summary>The wait has not been completed.</summary>
    Waiting,

    /// <summary>Terminal: a <c>wait_completed</c> event was recorded.</summary>
    Completed,
}
