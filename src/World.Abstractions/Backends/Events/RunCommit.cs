using System.Diagnostics.CodeAnalysis;
namespace World.Backends;

/// <summary>The outcome of <see cref="IRunWrite.CommitAsync"/>.</summary>
/// <param name="Committed">Whether the plan was written; false when storage's uniqueness guard fired.</param>
/// <param name="Log">The run's whole log as of the commit, when it was asked for.</param>
[Experimental(BackendApi.DiagnosticId, Message = BackendApi.Message)]
public readonly record struct RunCommit(bool Committed, IReadOnlyList<WorldEvent>? Log)
{
    /// <summary>Nothing was written: a concurrent writer won a race (a hook token claimed meanwhile); decide again.</summary>
    public static RunCommit LostRace => default;

    /// <summary>The plan was written.</summary>
    /// <param name="log">The run's log as of the commit, when asked for; null otherwise.</param>
    public static RunCommit Done(IReadOnlyList<WorldEvent>? log = null) => new(true, log);
}
