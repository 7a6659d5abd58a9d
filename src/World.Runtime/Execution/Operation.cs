namespace World.Runtime.Execution;

/// <summary>A durable operation the workflow asked for, identified by its deterministic correlation id.</summary>
internal abstract class Operation(string id)
{
    public string Id { get; } = id;

    /// <summary>What kind of operation it is, for divergence messages.</summary>
    public abstract string Describe();
}
