namespace World;

/// <summary>
/// The base of every error a World raises. <see cref="Code"/> is stable and machine-readable;
/// <see cref="Status"/> is the HTTP status an HTTP front end should answer with.
/// </summary>
public abstract class WorldException : Exception
{
    /// <summary>Creates the exception.</summary>
    protected WorldException(string code, int status, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
        Status = status;
    }

    /// <summary>A stable code from <see cref="WorldErrorCodes"/>.</summary>
    public string Code { get; }

    /// <summary>The HTTP-like status: 400, 404, 409, 410, 412, 413, 425, 429, 501 or 503.</summary>
    public int Status { get; }
}
