using World.Backends;

namespace World.Naive.Tests;

/// <summary>Keyset pages by sorting everything on every call: correct, obvious and slow.</summary>
internal static class NaivePaging
{
    public static Page<T> Page<T>(IEnumerable<T> items, Func<T, string> keyOf, ResolvedPage page, CursorListing listing, string scope, Func<T, T> shape)
    {
        var sorted = page.Ascending ? items.OrderBy(keyOf, StringComparer.Ordinal) : items.OrderByDescending(keyOf, StringComparer.Ordinal);
        var after = page.After;
        var rest = after is null ? sorted : sorted.Where(item => page.Ascending ? string.CompareOrdinal(keyOf(item), after) > 0 : string.CompareOrdinal(keyOf(item), after) < 0);
        var window = rest.Take(page.Limit + 1).ToList();
        var taken = window.Take(page.Limit).ToList();
        var cursor = taken.Count == 0 ? null : PageCursor.Encode(listing, scope, keyOf(taken[^1]));
        return new Page<T>([.. taken.Select(shape)], cursor, window.Count > page.Limit);
    }
}
