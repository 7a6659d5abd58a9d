namespace World.Backends;

/// <summary>The diagnostic that marks the backend SPI (<c>World.Backends</c>) as experimental until 1.0.</summary>
internal static class BackendApi
{
    /// <summary>The diagnostic id a backend project suppresses (<c>&lt;NoWarn&gt;$(NoWarn);WORLD001&lt;/NoWarn&gt;</c>).</summary>
    public const string DiagnosticId = "WORLD001";

    /// <summary>Shown with the diagnostic.</summary>
    public const string Message =
        "World.Backends is the backend-author SPI: it may change in any release before 1.0. Application code needs only the World namespace; backend projects suppress WORLD001 (see docs/backend-authors.md).";
}
