namespace World;

/// <summary>A transient backend failure (lost connection, failover); the operation had no effect or may be retried safely (503).</summary>
public sealed class WorldTransientException : WorldException
{
    /// <summary>Creates the exception.</summary>
    public WorldTransientException(string message, Exception? innerException = null)
        : base(WorldErrorCodes.Transient, 503, message, innerException)
    {
    }
}
