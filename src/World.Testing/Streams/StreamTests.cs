using System.Collections.Concurrent;
using System.Text;
using World.Backends;

namespace World.Testing.Streams;

/// <summary>
/// Run output streams: byte-exact history across pages, every kind of start index, the history→live hand-off under
/// concurrent writers, closing, cancellation (docs/guarantees.md#9-streams).
/// </summary>
/// <typeparam name="TFactory">The backend's factory of Worlds (see <see cref="IWorldFactory"/>).</typeparam>
public abstract class StreamTests<TFactory> : WorldTestBase<TFactory>
    where TFactory : class, IWorldFactory
{
    private const string Stream = "default";

    private IWorldStreams Streams => World.Streams;

    private string RunId { get; } = WorldIds.NewRunId(StartTime);

    [Fact]
    public async Task Two_hundred_chunks_read_back_byte_exact_across_page_boundaries()
    {
        var written = Enumerable.Range(0, 200).Select(Chunk).ToArray();
        await Streams.WriteManyAsync(RunId, Stream, written.Take(150).Select(c => (ReadOnlyMemory<byte>)c).ToArray(), Cancellation);
        foreach (var chunk in written.Skip(150))
        {
            await Streams.WriteAsync(RunId, Stream, chunk, Cancellation);
        }

        await Streams.CloseAsync(RunId, Stream, Cancellation);

        Assert.Equal(written, await ReadAllAsync());
        var pages = new List<StreamChunk>();
        StreamChunkPage page;
        string? cursor = null;
        do
        {
            page = await Streams.GetChunksAsync(RunId, Stream, new PageRequest { Limit = 64, Cursor = cursor }, Cancellation);
            pages.AddRange(page.Data);
            cursor = page.Cursor;
        }
        while (page.HasMore);

        Assert.True(page.Done);
        Assert.Equal(Enumerable.Range(0, 200), pages.Select(c => c.Index));
        Assert.Equal(written, pages.Select(c => c.Data.ToArray()));
        Assert.Equal(new StreamInfo(199, true), await Streams.GetInfoAsync(RunId, Stream, Cancellation));
    }

    [Fact]
    public async Task A_stream_with_only_its_end_marker_is_empty()
    {
        await Streams.CloseAsync(RunId, Stream, Cancellation);

        Assert.Empty(await ReadAllAsync());
        Assert.Equal(new StreamInfo(-1, true), await Streams.GetInfoAsync(RunId, Stream, Cancellation));
        var page = await Streams.GetChunksAsync(RunId, Stream, cancellationToken: Cancellation);
        Assert.Empty(page.Data);
        Assert.False(page.HasMore);
        Assert.True(page.Done);
        Assert.Equal([Stream], await Streams.ListAsync(RunId, Cancellation));
    }

    [Theory]
    [InlineData(100, 100)] // a page edge
    [InlineData(150, 150)] // mid-page
    [InlineData(199, 199)] // the last chunk
    [InlineData(-3, 197)]  // three before the end
    [InlineData(-500, 0)]  // clamped to the start
    public async Task Reading_from_a_start_index_skips_exactly_the_earlier_chunks(int startIndex, int firstIndex)
    {
        await WriteChunksAsync(0, 200);
        await Streams.CloseAsync(RunId, Stream, Cancellation);

        var read = await ReadAllAsync(startIndex);

        Assert.Equal(Enumerable.Range(firstIndex, 200 - firstIndex).Select(Chunk), read);
    }

    [Fact]
    public async Task A_reader_past_the_tail_receives_the_chunks_written_later()
    {
        await WriteChunksAsync(0, 10);
        var reading = ReadAllAsync(startIndex: 12);
        await Task.Delay(50, Cancellation);
        Assert.False(reading.IsCompleted);

        await WriteChunksAsync(10, 15);
        await Streams.CloseAsync(RunId, Stream, Cancellation);

        Assert.Equal(Enumerable.Range(12, 3).Select(Chunk), await reading.WaitAsync(TimeSpan.FromSeconds(30), Cancellation));
    }

    [Fact]
    public async Task History_hands_off_to_live_chunks_without_gap_or_duplicate_under_concurrent_writers()
    {
        await WriteChunksAsync(0, 50);
        var reading = ReadAllAsync();

        // Four writers append concurrently while the reader moves from history to live.
        const int writers = 4;
        const int perWriter = 100;
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < perWriter; i++)
            {
                await Streams.WriteAsync(RunId, Stream, Encoding.UTF8.GetBytes($"w{w}-{i}"), Cancellation);
            }
        }, Cancellation)));
        await Streams.CloseAsync(RunId, Stream, Cancellation);

        var read = await reading.WaitAsync(TimeSpan.FromSeconds(60), Cancellation);
        var all = await ReadAllAsync();
        Assert.Equal(50 + (writers * perWriter), read.Count);
        Assert.Equal(all, read);
        var live = read.Skip(50).Select(Encoding.UTF8.GetString).ToList();
        Assert.Equal(writers * perWriter, live.Distinct().Count());
        for (var w = 0; w < writers; w++)
        {
            // Each writer's chunks keep its write order.
            Assert.Equal(Enumerable.Range(0, perWriter).Select(i => $"w{w}-{i}"), live.Where(c => c.StartsWith($"w{w}-", StringComparison.Ordinal)));
        }
    }

    [Fact]
    public async Task Many_streams_stay_independent()
    {
        var runs = Enumerable.Range(0, 4).Select(_ => NewId(IdPrefixes.Run)).ToArray();
        foreach (var run in runs)
        {
            for (var s = 0; s < 5; s++)
            {
                await Streams.WriteManyAsync(run, $"s{s}", [Encoding.UTF8.GetBytes($"{run}/{s}/a"), Encoding.UTF8.GetBytes($"{run}/{s}/b")], Cancellation);
                await Streams.CloseAsync(run, $"s{s}", Cancellation);
            }
        }

        foreach (var run in runs)
        {
            Assert.Equal(["s0", "s1", "s2", "s3", "s4"], await Streams.ListAsync(run, Cancellation));
            for (var s = 0; s < 5; s++)
            {
                var read = new List<string>();
                await foreach (var chunk in Streams.ReadAsync(run, $"s{s}", cancellationToken: Cancellation))
                {
                    read.Add(Encoding.UTF8.GetString(chunk.Span));
                }

                Assert.Equal([$"{run}/{s}/a", $"{run}/{s}/b"], read);
            }
        }

        Assert.Empty(await Streams.ListAsync(NewId(IdPrefixes.Run), Cancellation));
    }

    [Fact]
    public async Task Binary_chunks_with_nul_bytes_and_empty_chunks_round_trip()
    {
        byte[][] chunks = [[0], [0, 0, 0], [0xFF, 0xFE, 0x00, 0xC3, 0x28], [], Enumerable.Range(0, 256).Select(i => (byte)i).ToArray()];
        await Streams.WriteManyAsync(RunId, Stream, chunks.Select(c => (ReadOnlyMemory<byte>)c).ToArray(), Cancellation);
        await Streams.CloseAsync(RunId, Stream, Cancellation);

        Assert.Equal(chunks, await ReadAllAsync());
    }

    [Fact]
    public async Task Cancelling_a_reader_mid_stream_ends_it_cleanly_and_leaves_the_stream_usable()
    {
        await WriteChunksAsync(0, 3);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        var received = 0;
        var reading = Task.Run(async () =>
        {
            await foreach (var _ in Streams.ReadAsync(RunId, Stream, cancellationToken: cancel.Token))
            {
                if (++received == 3)
                {
                    await cancel.CancelAsync();
                }
            }
        }, Cancellation);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading.WaitAsync(TimeSpan.FromSeconds(30), Cancellation));
        Assert.Equal(3, received);
        await WriteChunksAsync(3, 5);
        await Streams.CloseAsync(RunId, Stream, Cancellation);
        Assert.Equal(Enumerable.Range(0, 5).Select(Chunk), await ReadAllAsync());
    }

    [Fact]
    public async Task Writing_after_close_is_a_typed_error_and_closing_again_is_harmless()
    {
        await WriteChunksAsync(0, 1);
        await Streams.CloseAsync(RunId, Stream, Cancellation);
        await Streams.CloseAsync(RunId, Stream, Cancellation);

        var error = await Assert.ThrowsAsync<StreamClosedException>(() => Streams.WriteAsync(RunId, Stream, Chunk(1), Cancellation));
        Assert.Equal(409, error.Status);
        Assert.Equal(WorldErrorCodes.StreamClosed, error.Code);
        await Assert.ThrowsAsync<StreamClosedException>(() => Streams.WriteManyAsync(RunId, Stream, [Chunk(1), Chunk(2)], Cancellation));
        Assert.Equal(new StreamInfo(0, true), await Streams.GetInfoAsync(RunId, Stream, Cancellation));
    }

    [Fact]
    public async Task A_page_of_an_open_stream_says_more_may_come()
    {
        await WriteChunksAsync(0, 3);

        var page = await Streams.GetChunksAsync(RunId, Stream, new PageRequest { Limit = 10 }, Cancellation);
        Assert.Equal(3, page.Data.Count);
        Assert.False(page.HasMore);
        Assert.False(page.Done);

        await WriteChunksAsync(3, 4);
        var next = await Streams.GetChunksAsync(RunId, Stream, new PageRequest { Limit = 10, Cursor = page.Cursor }, Cancellation);
        Assert.Equal([3], next.Data.Select(c => c.Index));
        Assert.Equal(new StreamInfo(-1, false), await Streams.GetInfoAsync(RunId, "never-written", Cancellation));
    }

    [Fact]
    public async Task Invalid_input_is_rejected_with_typed_errors()
    {
        await Assert.ThrowsAnyAsync<WorldValidationException>(() => Streams.WriteAsync("bad run id", Stream, Chunk(0), Cancellation));
        await Assert.ThrowsAnyAsync<WorldValidationException>(() => Streams.WriteAsync(RunId, "", Chunk(0), Cancellation));
        await Assert.ThrowsAsync<PayloadTooLargeException>(() => Streams.WriteAsync(RunId, Stream, new byte[global::World.Backends.StreamRules.MaxChunkBytes + 1], Cancellation));
        await Assert.ThrowsAnyAsync<WorldValidationException>(() => Streams.GetChunksAsync(RunId, Stream, new PageRequest { Cursor = "garbage" }, Cancellation));
        Assert.Equal(new StreamInfo(-1, false), await Streams.GetInfoAsync(RunId, Stream, Cancellation));
    }

    /// <summary>The chunk written at <paramref name="index"/> by <see cref="WriteChunksAsync"/>.</summary>
    protected static byte[] Chunk(int index) => Encoding.UTF8.GetBytes($"chunk-{index:D4}\0{index}");

    /// <summary>Writes chunks [from, to) one by one.</summary>
    protected async Task WriteChunksAsync(int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            await Streams.WriteAsync(RunId, Stream, Chunk(i), Cancellation);
        }
    }

    /// <summary>Reads the stream to its end.</summary>
    protected async Task<List<byte[]>> ReadAllAsync(int startIndex = 0)
    {
        var chunks = new List<byte[]>();
        await foreach (var chunk in Streams.ReadAsync(RunId, Stream, startIndex, Cancellation))
        {
            chunks.Add(chunk.ToArray());
        }

        return chunks;
    }
}
