namespace World.InMemory.Storage;

/// <summary>Keyset pagination over a list already sorted ascending by a unique key.</summary>
internal static class ListPaging
{
    /// <summary>An empty page for a listing with no source (an unknown run), after validating the paging arguments like any other.</summary>
    public static Page<T> Empty<T>(PageRequest page, int defaultLimit)
    {
        PageCursor.ResolveLimit(page.Limit, defaultLimit);
        PageCursor.DecodeOrNull(page.Cursor);
        return new Page<T>([], null, false);
    }

    public static Page<TResult> Paginate<T, TResult>(
        IReadOnlyList<T> ascending,
        Func<T, string> keyOf,
        PageRequest page,
        int defaultLimit,
        SortOrder defaultOrder,
        Func<T, TResult> project)
    {
        var limit = PageCursor.ResolveLimit(page.Limit, defaultLimit);
        var after = PageCursor.DecodeOrNull(page.Cursor);
        var order = page.SortOrder ?? defaultOrder;

        var items = new List<TResult>(Math.Min(limit, ascending.Count));
        string? lastKey = null;
        var hasMore = false;
        if (order == SortOrder.Ascending)
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

        return new Page<TResult>(items, lastKey is null ? null : PageCursor.Encode(lastKey), hasMore);
    }

    /// <summary>
    /// The index of the first item whose key is greater than (<paramref name="strictly"/>) or at least
    /// <paramref name="key"/>; <c>Count</c> when there is none.
    /// </summary>
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
