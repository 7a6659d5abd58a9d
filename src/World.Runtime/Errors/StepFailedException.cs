namespace World.Runtime;

/// <summary>A step spent its attempts; the workflow may catch this to compensate.</summary>
public sealed class StepFailedException : WorkflowException
{
    internal StepFailedException(string stepName, StructuredError error)
        : base($"Step '{stepName}' failed: {error.Message}", error: error)
    {
        StepName = stepName;
    }

    /// <summary>The step.</summary>
    public string StepName { get; }

    /// <summary>The last attempt's error as recorded (message, stack, code).</summary>
    public new StructuredError Error => base.Error!;
}
