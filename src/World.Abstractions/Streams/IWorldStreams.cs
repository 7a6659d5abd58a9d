namespace World;

/// <summary>
/// Ordered byte streams per run (progress, tokens, JSON lines): written in order, closed once, read from any index,
/// live, by readers that may connect late, disconnect and resume.
/// </summary>
/// <remarks>
/// Chunks of a stream are numbered densely from 0 in commit order; concurrent writers interleave but never collide.
/// Closing appends an end-of-stream marker, which is not a chunk; writing after it is a <see cref="StreamClosedException"/>.
/// </remarks>
public interface IWorldStreams
{
    /// <summary>Appends one chunk.</summary>
    /// <exception cref="StreamClosedException">The stream was closed.</exception>
    Task WriteAsync(string runId, string name, ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken = default);

    /// <summary>Appends several chunks in order, atomically (all get consecutive indexes, or none is written).</summary>
    /// <exception cref="StreamClosedException">The stream was closed.</exception>
    Task WriteManyAsync(string runId, string name, IReadOnlyList<ReadOnlyMemory<byte>> chunks, CancellationToken cancellationToken = default);

    /// <summary>Closes the stream; readers end after its last chunk. Closing a closed stream does nothing.</summary>
    Task CloseAsync(string runId, string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads the stream from <paramref name="startIndex"/>: the chunks already written, then new ones as they are
    /// written, without gap or duplicate, ending when the stream is closed. A negative index starts that many chunks
    /// before the end (clamped to 0); an index past the end waits for that chunk. Memory stays bounded: chunks are
    /// fetched a page at a time.
    /// </summary>
    IAsyncEnumerable<ReadOnlyMemory<byte>> ReadAsync(string runId, string name, int startIndex = 0, CancellationToken cancellationToken = default);

    /// <summary>
    /// A snapshot page of chunks (default 100, at most 1000). <see cref="StreamChunkPage.HasMore"/> tells whether more
    /// chunks are already written; <see cref="StreamChunkPage.Done"/> whether the stream is closed and fully read.
    /// </summary>
    Task<StreamChunkPage> GetChunksAsync(string runId, string name, PageRequest? page = null, CancellationToken cancellationToken = default);

    /// <summary>The index of the last chunk (−1 when none) and whether the stream is closed. Unknown streams are empty and open.</summary>
    Task<StreamInfo> GetInfoAsync(string runId, string name, CancellationToken cancellationToken = default);

    /// <summary>The names of the run's streams (written or closed), in ordinal order.</summary>
    Task<IReadOnlyList<string>> ListAsync(string runId, CancellationToken cancellationToken = default);
}
