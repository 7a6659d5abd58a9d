namespace World;

/// <summary>What a failed call says about the system, which decides how a long-running consumer reacts to it.</summary>
public enum WorldFaultKind
{
    /// <summary>The backend could not be reached or was briefly unable to serve (lost connection, failover, timeout): retry with backoff.</summary>
    Transient,

    /// <summary>The backend is not set up for the call (schema, permissions, credentials): report unhealthy and retry slowly.</summary>
    Configuration,

    /// <summary>The request was refused by the contract (validation, conflict, not found): the caller must change it; retrying the same call fails again.</summary>
    Rejected,

    /// <summary>Anything else: a defect in a backend or handler. Logged as an error; a worker backs off and carries on.</summary>
    Unexpected,
}
