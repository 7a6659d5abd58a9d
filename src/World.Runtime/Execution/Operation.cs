namespace World.Runtime.Execution;

/// <summary>A durable operation the workflow asked for, identified by its deterministic correlation id.</summary>
internal abstract class Operation(string id)
{
    public string Id { get; } = id;

    /// <summary>Whether workflow code may be waiting on this operation (its outcome is not in the log yet).</summary>
    public abstract bool IsPending { get; }

    /// <summary>What kind of operation it is, for divergence messages.</summary>
    public abstract string Describe();
}
