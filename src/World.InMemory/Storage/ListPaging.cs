namespace World.InMemory.Storage;

/// <summary>Keyset pagination over a list already sorted ascending by a unique key.</summary>
internal static class ListPaging
{
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
            for (var i = after is null ? 0 : FirstGreater(ascending, keyOf, after); i < ascending.Count; i++)
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
            for (var i = (after is null ? ascending.Count : FirstGreaterOrEqual(ascending, keyOf, after)) - 1; i >= 0; i--)
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

    private static int FirstGreater<T>(IReadOnlyList<T> ascending, Func<T, string> keyOf, string key)
    {
        int low = 0, high = ascending.Count;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            if (string.CompareOrdinal(keyOf(ascending[mid]), key) <= 0)
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

    private static int FirstGreaterOrEqual<T>(IReadOnlyList<T> ascending, Func<T, string> keyOf, string key)
    {
        int low = 0, high = ascending.Count;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            if (string.CompareOrdinal(keyOf(ascending[mid]), key) < 0)
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
