namespace World.Runtime;

/// <summary>The workflows this process can execute, by name.</summary>
public sealed class WorkflowRegistry
{
    private readonly Dictionary<string, WorkflowRegistration> _byName = new(StringComparer.Ordinal);

    /// <summary>Builds the registry; two workflows with one name are refused.</summary>
    public WorkflowRegistry(IEnumerable<WorkflowRegistration> registrations)
    {
        ArgumentNullException.ThrowIfNull(registrations);
        foreach (var registration in registrations)
        {
            if (_byName.TryGetValue(registration.Name, out var existing) && !ReferenceEquals(existing, registration)
                && (existing.WorkflowType != registration.WorkflowType || existing.WorkflowType.IsSubclassOf(typeof(Delegate))))
            {
                throw new InvalidOperationException($"Workflows {existing.WorkflowType.FullName} and {registration.WorkflowType.FullName} share the name '{registration.Name}'.");
            }

            _byName[registration.Name] = registration;
        }
    }

    /// <summary>The registered workflows.</summary>
    public IReadOnlyCollection<WorkflowRegistration> All => _byName.Values;

    /// <summary>Finds a workflow by name.</summary>
    public bool TryGet(string name, out WorkflowRegistration registration) => _byName.TryGetValue(name, out registration!);
}
