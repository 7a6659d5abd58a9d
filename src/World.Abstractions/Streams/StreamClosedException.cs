namespace World;

/// <summary>A write to a stream that was already closed (409).</summary>
public sealed class StreamClosedException : WorldException
{
    /// <summary>Creates the exception for a stream of a run.</summary>
    public StreamClosedException(string runId, string name)
        : base(WorldErrorCodes.StreamClosed, 409, $"Stream '{name}' of workflow run '{runId}' is closed; it accepts no more chunks.")
    {
        RunId = runId;
        StreamName = name;
    }

    /// <summary>The run.</summary>
    public string RunId { get; }

    /// <summary>The stream.</summary>
    public string StreamName { get; }
}
