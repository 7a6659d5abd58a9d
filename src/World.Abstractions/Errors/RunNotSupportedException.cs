namespace World;

/// <summary>The run's spec version is outside the range this World supports (400).</summary>
public sealed class RunNotSupportedException : WorldException
{
    /// <summary>Creates the exception.</summary>
    public RunNotSupportedException(int runSpecVersion)
        : base(
            WorldErrorCodes.RunNotSupported,
            400,
            $"Spec version {runSpecVersion} is not supported; this World supports spec versions {SpecVersions.MinSupported} to {SpecVersions.Current}.")
    {
        RunSpecVersion = runSpecVersion;
    }

    /// <summary>The run's (or request's) spec version.</summary>
    public int RunSpecVersion { get; }

    /// <summary>The highest spec version this World supports.</summary>
    public static int WorldSpecVersion => SpecVersions.Current;
}
