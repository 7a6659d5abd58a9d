namespace World;

/// <summary>A page of dead letters, optionally of one queue.</summary>
public sealed record DeadLetterQuery
{
    /// <summary>The default page size.</summary>
    public const int DefaultLimit = 100;

    /// <summary>Only this queue's dead letters.</summary>
    public string? QueueName { get; init; }

    /// <summary>Paging (ascending by message id by default).</summary>
    public PageRequest Page { get; init; } = PageRequest.Default;
}
