namespace World.Runtime.Execution;

/// <summary>What runs behind a step operation.</summary>
internal enum StepKind
{
    /// <summary>A body: user code, or a runtime action such as starting a child or writing to a stream.</summary>
    Body,

    /// <summary>The recorded outcome of a child run: written once the child has ended, never executed.</summary>
    AwaitChild,
}
