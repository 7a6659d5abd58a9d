namespace World;

/// <summary>A payload exceeds the World's configured bound (413).</summary>
public sealed class PayloadTooLargeException : WorldException
{
    /// <summary>Creates the exception.</summary>
    public PayloadTooLargeException(string field, long actualBytes, long maxBytes)
        : base(WorldErrorCodes.PayloadTooLarge, 413, $"The {field} payload is {actualBytes} bytes; the limit is {maxBytes} bytes.")
    {
        Field = field;
        ActualBytes = actualBytes;
        MaxBytes = maxBytes;
    }

    /// <summary>The oversized field.</summary>
    public string Field { get; }

    /// <summary>The payload's size.</summary>
    public long ActualBytes { get; }

    /// <summary>The configured bound.</summary>
    public long MaxBytes { get; }
}
