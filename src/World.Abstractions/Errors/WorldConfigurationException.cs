namespace World;

/// <summary>
/// The backend is not set up for the call: its schema is missing or not migrated, the account lacks a permission,
/// authentication failed or the database does not exist (500). Retrying does not help until an operator acts, so
/// workers keep running, report it through their health checks and try again at a slow pace.
/// </summary>
public sealed class WorldConfigurationException : WorldException
{
    /// <summary>Creates the exception.</summary>
    public WorldConfigurationException(string message, Exception? innerException = null)
        : base(WorldErrorCodes.Configuration, 500, message, innerException)
    {
    }
}
