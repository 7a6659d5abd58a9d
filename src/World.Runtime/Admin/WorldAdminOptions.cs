namespace World.Runtime;

/// <summary>Options of <see cref="WorldAdmin"/>.</summary>
public sealed record WorldAdminOptions
{
    /// <summary>The queue that carries workflow invocations; the same as <see cref="WorkflowRuntimeOptions.QueueName"/> of the workers.</summary>
    public string QueueName { get; init; } = new WorkflowRuntimeOptions().QueueName;
}
