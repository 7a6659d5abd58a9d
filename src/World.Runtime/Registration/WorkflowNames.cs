using System.Reflection;

namespace World.Runtime;

/// <summary>The machine name of a workflow class: its <see cref="WorkflowAttribute"/> name, else the class name.</summary>
public static class WorkflowNames
{
    /// <summary>The name of <typeparamref name="TWorkflow"/>.</summary>
    public static string Of<TWorkflow>() => Of(typeof(TWorkflow));

    /// <summary>The name of <paramref name="workflowType"/>.</summary>
    public static string Of(Type workflowType)
    {
        ArgumentNullException.ThrowIfNull(workflowType);
        return workflowType.GetCustomAttribute<WorkflowAttribute>()?.Name ?? workflowType.Name;
    }
}
