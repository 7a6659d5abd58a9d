using Npgsql;

namespace World.Benchmarks.Load;

/// <summary>
/// The machine's raw write limit, measured beside a scenario in the same run: a one-row INSERT per (autocommit)
/// transaction with plain Npgsql. Ratios to it survive the noise of a shared machine better than absolute numbers.
/// </summary>
internal static class RawBaseline
{
    private static readonly byte[] Payload = new byte[100];

    public static async Task<Measurement> RunAsync(NpgsqlDataSource dataSource, int concurrency, TimeSpan duration)
    {
        await using (var create = dataSource.CreateCommand("CREATE TABLE IF NOT EXISTS bench_raw (id bigserial PRIMARY KEY, run_id text NOT NULL, data bytea NOT NULL)"))
        {
            await create.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        return await LoadLoop.RunAsync("raw one-row INSERT (baseline)", concurrency, duration, TimeSpan.FromSeconds(2), "commit", async _ =>
        {
            await using var insert = dataSource.CreateCommand("INSERT INTO bench_raw (run_id, data) VALUES ($1, $2)");
            insert.Parameters.Add(new NpgsqlParameter { Value = "wrun_bench" });
            insert.Parameters.Add(new NpgsqlParameter { Value = Payload });
            await insert.ExecuteNonQueryAsync().ConfigureAwait(false);
            return 1;
        }).ConfigureAwait(false);
    }
}
