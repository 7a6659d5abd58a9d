using System.Diagnostics.CodeAnalysis;
namespace World.Backends;

/// <summary>A validated page request: the effective limit, the exclusive position to start after, and the order.</summary>
/// <param name="Limit">The page size, 1 to <see cref="PageRequest.MaxLimit"/>.</param>
/// <param name="After">The sort key of the last item of the previous page, or null for the first page.</param>
/// <param name="Order">The order of the listing.</param>
[Experimental(BackendApi.DiagnosticId, Message = BackendApi.Message)]
public readonly record struct ResolvedPage(int Limit, string? After, SortOrder Order)
{
    /// <summary>Whether the listing runs in ascending order.</summary>
    public bool Ascending => Order == SortOrder.Ascending;
}
