namespace World.Runtime;

/// <summary>Names a workflow class. Runs store the name; renaming a workflow strands its runs in flight.</summary>
/// <param name="name">The stable machine name.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class WorkflowAttribute(string name) : Attribute
{
    /// <summary>The stable machine name stored on every run of the workflow.</summary>
    public string Name { get; } = name;
}
