namespace World;

/// <summary>What a bulk dead-letter action did.</summary>
public sealed record DeadLetterBatchResult
{
    /// <summary>The dead letters the action took, by message id.</summary>
    public required IReadOnlyList<string> Done { get; init; }

    /// <summary>The selected dead letters it could not take, with the error code saying why (e.g. gone, or a live message holds its key).</summary>
    public required IReadOnlyDictionary<string, string> Failed { get; init; }

    /// <summary>Whether more dead letters match the selection beyond its limit.</summary>
    public required bool HasMore { get; init; }
}
