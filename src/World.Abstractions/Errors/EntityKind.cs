namespace World;

/// <summary>The kinds of entity a World stores.</summary>
public enum EntityKind
{
    /// <summary>A workflow run.</summary>
    Run,

    /// <summary>A step.</summary>
    Step,

    /// <summary>A hook.</summary>
    Hook,

    /// <summary>A wait.</summary>
    Wait,

    /// <summary>An event.</summary>
    Event,

    /// <summary>A dead-lettered queue message.</summary>
    DeadLetter,

    /// <summary>A schedule.</summary>
    Schedule,
}
