namespace World.Runtime;

/// <summary>
/// Replay found the workflow asking for something other than what the log recorded: the code changed while the
/// run was in flight, or it is not deterministic. The run fails with <see cref="RunErrorCodes.ReplayDivergence"/>.
/// </summary>
public sealed class NonDeterminismException : WorkflowException
{
    internal NonDeterminismException(string message)
        : base(message)
    {
    }
}
