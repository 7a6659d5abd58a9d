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

    /// <summary>
    /// The message of <paramref name="exception"/> followed by those of its inner exceptions (the driver's words: which
    /// host, which database), for operators. World and driver messages name hosts, users and databases, never passwords.
    /// </summary>
    public static string Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var text = new System.Text.StringBuilder(exception.Message);
        for (var cause = exception.InnerException; cause is not null; cause = cause.InnerException)
        {
            if (!text.ToString().Contains(cause.Message, StringComparison.Ordinal))
            {
                text.Append(" Cause: ").Append(cause.Message);
            }
        }

        return text.ToString();
    }
}
