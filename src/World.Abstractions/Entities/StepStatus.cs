namespace World;

/// <summary>The lifecycle status of a <see cref="Step"/>.</summary>
public enum StepStatus
{
    /// <summary>Created or waiting to be retried.</summary>
    Pending,

    /// <summary>An attempt is executing.</summary>
    Running,

    /// <summary>Terminal: finished with a result.</summary>
    Completed,

    /// <summary>Terminal: finished with an error.</summary>
    Failed,

    /// <summary>Terminal; reserved by the contract, no event produces it.</summary>
    Cancelled,
}
