using System.Globalization;
using Npgsql;
using World.Backends;

namespace World.Postgres.Storage;

/// <summary>
/// Keyset pagination on an indexed key column: the cursor is the last key returned, and the next page starts
/// strictly after it in the page's direction. One row past the limit tells whether there is more. Never OFFSET.
/// </summary>
internal static class KeysetPage
{
    /// <param name="context">The World.</param>
    /// <param name="selectWhere">A SELECT with a WHERE clause, to which the key condition is appended with AND.</param>
    /// <param name="keyColumn">The sort key column, the same value the cursor encodes.</param>
    /// <param name="bind">Adds the parameters that <paramref name="selectWhere"/> uses ($1…).</param>
    /// <param name="page">The page request, validated by <see cref="ReadRules"/>.</param>
    /// <param name="listing">The listing, which the returned cursor names.</param>
    /// <param name="scope">The listing's scope (run id, queue name or empty), to which the returned cursor is bound.</param>
    /// <param name="read">Reads an item and its sort key from a row.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public static async Task<Page<T>> ReadAsync<T>(
        PostgresContext context,
        string selectWhere,
        string keyColumn,
        Action<NpgsqlParameterCollection> bind,
        ResolvedPage page,
        CursorListing listing,
        string scope,
        Func<NpgsqlDataReader, (T Item, string Key)> read,
        CancellationToken cancellationToken)
    {
        var limit = page.Limit;
        var after = page.After;
        var ascending = page.Ascending;

        var rows = await context.QueryAsync(
            parameters =>
            {
                bind(parameters);
                var sql = new System.Text.StringBuilder(selectWhere);
                if (after is not null)
                {
                    parameters.Add(DbValues.Text(after));
                    sql.Append(" AND ").Append(keyColumn).Append(ascending ? " > $" : " < $").Append(parameters.Count.ToString(CultureInfo.InvariantCulture));
                }

                parameters.Add(DbValues.Integer(limit + 1));
                return sql.Append(" ORDER BY ").Append(keyColumn).Append(ascending ? " ASC" : " DESC")
                    .Append(" LIMIT $").Append(parameters.Count.ToString(CultureInfo.InvariantCulture)).ToString();
            },
            read,
            cancellationToken).ConfigureAwait(false);

        var hasMore = rows.Count > limit;
        if (hasMore)
        {
            rows.RemoveAt(rows.Count - 1);
        }

        return new Page<T>(rows.ConvertAll(static row => row.Item), rows.Count == 0 ? null : PageCursor.Encode(listing, scope, rows[^1].Key), hasMore);
    }
}
