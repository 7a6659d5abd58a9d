namespace World;

/// <summary>
/// Classifies failures into <see cref="WorldFaultKind"/>: the one place consumers (queue processor, workflow worker)
/// decide whether to retry, back off or report a failure. Backends express their classification through the type
/// they throw (<see cref="WorldTransientException"/>, <see cref="WorldConfigurationException"/>).
/// </summary>
public static class WorldFaults
{
    /// <summary>The kind of <paramref name="exception"/>.</summary>
    public static WorldFaultKind Classify(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            WorldTransientException or TimeoutException or QueueFullException => WorldFaultKind.Transient,
            WorldConfigurationException => WorldFaultKind.Configuration,
            WorldException => WorldFaultKind.Rejected,
            _ => WorldFaultKind.Unexpected,
        };
    }

    /// <summary>Whether retrying the same call may succeed without anyone changing anything.</summary>
    public static bool IsTransient(Exception exception) => Classify(exception) == WorldFaultKind.Transient;
}
