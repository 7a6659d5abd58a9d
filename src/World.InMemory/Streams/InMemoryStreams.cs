using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using World.InMemory.Storage;
using World.Backends;

namespace World.InMemory.Streams;

/// <summary>Streams in memory. Live readers wait on a per-stream signal that every write and the close complete: no polling.</summary>
internal sealed class InMemoryStreams(InMemoryState state) : IWorldStreams
{
    private const int ReadBatch = 100;

    private readonly ConcurrentDictionary<(string RunId, string Name), StreamState> _streams = new();

    public Task WriteAsync(string runId, string name, ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken = default) =>
        WriteManyAsync(runId, name, [chunk], cancellationToken);

    public Task WriteManyAsync(string runId, string name, IReadOnlyList<ReadOnlyMemory<byte>> chunks, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        state.ThrowIfDisposed();
        StreamRules.ValidateStream(runId, name);
        StreamRules.ValidateChunks(chunks);
        if (chunks.Count == 0)
        {
            // Writing nothing changes nothing: no stream is created and a closed stream is not an error (contract §9).
            return Task.CompletedTask;
        }

        var stream = Stream(runId, name);
        lock (stream.Gate)
        {
            if (stream.Closed)
            {
                throw new StreamClosedException(runId, name);
            }

            foreach (var chunk in chunks)
            {
                stream.Chunks.Add(chunk.ToArray());
            }

            stream.SignalLocked();
        }

        return Task.CompletedTask;
    }

    public Task CloseAsync(string runId, string name, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        state.ThrowIfDisposed();
        StreamRules.ValidateStream(runId, name);
        var stream = Stream(runId, name);
        lock (stream.Gate)
        {
            stream.Closed = true;
            stream.SignalLocked();
        }

        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadAsync(string runId, string name, int startIndex = 0, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        state.ThrowIfDisposed();
        StreamRules.ValidateStream(runId, name);
        var stream = Stream(runId, name);
        int next;
        lock (stream.Gate)
        {
            next = StreamRules.ResolveStart(startIndex, stream.Chunks.Count);
        }

        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            byte[][] batch;
            Task changed;
            bool ended;
            lock (stream.Gate)
            {
                var count = stream.Chunks.Count;
                batch = next < count ? [.. stream.Chunks.GetRange(next, Math.Min(ReadBatch, count - next))] : [];
                ended = stream.Closed && next + batch.Length >= count;
                changed = stream.Changed.Task;
            }

            foreach (var chunk in batch)
            {
                yield return chunk;
            }

            next += batch.Length;
            if (ended)
            {
                yield break;
            }

            if (batch.Length == 0)
            {
                await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public Task<StreamChunkPage> GetChunksAsync(string runId, string name, PageRequest? page = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        state.ThrowIfDisposed();
        var (limit, start) = StreamRules.ValidateChunkPage(runId, name, page);
        page ??= PageRequest.Default;
        if (!_streams.TryGetValue((runId, name), out var stream))
        {
            return Task.FromResult(new StreamChunkPage([], page.Cursor, false, false));
        }

        lock (stream.Gate)
        {
            var count = stream.Chunks.Count;
            var taken = Math.Clamp(count - start, 0, limit);
            var data = new StreamChunk[taken];
            for (var i = 0; i < taken; i++)
            {
                data[i] = new StreamChunk(start + i, stream.Chunks[start + i]);
            }

            var end = start + taken;
            return Task.FromResult(new StreamChunkPage(data, taken == 0 ? page.Cursor : StreamRules.EncodeCursor(end - 1, runId, name), end < count, stream.Closed && end >= count));
        }
    }

    public Task<StreamInfo> GetInfoAsync(string runId, string name, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        state.ThrowIfDisposed();
        StreamRules.ValidateStream(runId, name);
        if (!_streams.TryGetValue((runId, name), out var stream))
        {
            return Task.FromResult(new StreamInfo(-1, false));
        }

        lock (stream.Gate)
        {
            return Task.FromResult(new StreamInfo(stream.Chunks.Count - 1, stream.Closed));
        }
    }

    public Task<IReadOnlyList<string>> ListAsync(string runId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        state.ThrowIfDisposed();
        IdValidation.RequireSafeId(runId, nameof(runId));
        IReadOnlyList<string> names = _streams
            .Where(pair => pair.Key.RunId == runId && pair.Value.Touched)
            .Select(pair => pair.Key.Name)
            .Order(TextRules.Utf8Order)
            .ToList();
        return Task.FromResult(names);
    }

    private StreamState Stream(string runId, string name) => _streams.GetOrAdd((runId, name), static _ => new StreamState());

    private sealed class StreamState
    {
        public Lock Gate { get; } = new();

        public List<byte[]> Chunks { get; } = [];

        public bool Closed { get; set; }

        /// <summary>Whether the stream was written or closed (a reader waiting on an unknown stream does not list it).</summary>
        public bool Touched { get; private set; }

        public TaskCompletionSource Changed { get; private set; } = New();

        public void SignalLocked()
        {
            Touched = true;
            var changed = Changed;
            Changed = New();
            changed.TrySetResult();
        }

        private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
