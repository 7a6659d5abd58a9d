namespace World;

/// <summary>Run attribute changes break a limit or use a reserved key without permission (400).</summary>
public sealed class AttributeValidationException : WorldValidationException
{
    /// <summary>Creates the exception.</summary>
    public AttributeValidationException(string message, string? key = null)
        : base(WorldErrorCodes.AttributeValidation, message, key is null ? "attributes" : "attributes." + key)
    {
    }
}
