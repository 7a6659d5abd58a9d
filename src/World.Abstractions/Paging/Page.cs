namespace World;

/// <summary>One page of a listing.</summary>
/// <typeparam name="T">The item type.</typeparam>
/// <param name="Data">The items, in the listing's order.</param>
/// <param name="Cursor">The position of the last item; null when the page is empty. Pass it back for the next page.</param>
/// <param name="HasMore">Whether more matching items exist beyond this page.</param>
public sealed record Page<T>(IReadOnlyList<T> Data, string? Cursor, bool HasMore);
