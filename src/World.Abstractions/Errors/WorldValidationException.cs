namespace World;

/// <summary>The request is malformed: a bad id, a missing field, an unsafe value, an out-of-range limit (400).</summary>
public class WorldValidationException : WorldException
{
    /// <summary>Creates the exception for the named field.</summary>
    public WorldValidationException(string message, string? field = null)
        : this(WorldErrorCodes.Validation, message, field)
    {
    }

    /// <summary>Creates the exception with a more specific code.</summary>
    protected WorldValidationException(string code, string message, string? field)
        : base(code, 400, message)
    {
        Field = field;
    }

    /// <summary>The offending field or parameter, if one is to blame.</summary>
    public string? Field { get; }
}
