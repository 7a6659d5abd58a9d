using World.Backends;

namespace World.InMemory.Storage;

/// <summary>Keyset pagination over a list already sorted ascending by a unique key.</summary>
internal static class ListPaging
{
    /// <summary>One page of a listing whose request was validated by <see cref="ReadRules"/>; the cursor is bound to the listing and scope.</summary>
    public static Page<TResult> Paginate<T, TResult>(
        IReadOnlyList<T> ascending,
        Func<T, string> keyOf,
        ResolvedPage page,
        CursorListing listing,
        string scope,
        Func<T, TResult> project)
    {
        var limit = page.Limit;
        var after = page.After;

        var items = new List<TResult>(Math.Min(limit, ascending.Count));
        string? lastKey = null;
        var hasMore = false;
        if (page.Ascending)
        {
            for (var i = after is null ? 0 : LowerBound(ascending, keyOf, after, strictly: true); i < ascending.Count; i++)
            {
                if (items.Count == limit)
                {
                    hasMore = true;
                    break;
                }

                items.Add(project(ascending[i]));
                lastKey = keyOf(ascending[i]);
            }
        }
        else
        {
            for (var i = (after is null ? ascending.Count : LowerBound(ascending, keyOf, after, strictly: false)) - 1; i >= 0; i--)
            {
                if (items.Count == limit)
                {
                    hasMore = true;
                    break;
                }

                items.Add(project(ascending[i]));
                lastKey = keyOf(ascending[i]);
            }
        }

        return new Page<TResult>(items, lastKey is null ? null : PageCursor.Encode(listing, scope, lastKey), hasMore);
    }

    public static int LowerBound<T>(IReadOnlyList<T> ascending, Func<T, string> keyOf, string key, bool strictly)
    {
        int low = 0, high = ascending.Count;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            var comparison = string.CompareOrdinal(keyOf(ascending[mid]), key);
            if (comparison < 0 || (strictly && comparison == 0))
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }
}
