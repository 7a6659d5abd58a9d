using System.Runtime.CompilerServices;
using World.Backends;

namespace World.Naive.Tests;

/// <summary>The naive streamer: chunk lists by (run, name) under the World's one lock; readers wait for any stream change.</summary>
internal sealed class NaiveStreams(NaiveState state) : IWorldStreams
{
    private readonly Dictionary<(string RunId, string Name), (List<byte[]> Chunks, bool Closed)> _streams = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task WriteAsync(string runId, string name, ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken = default) =>
        WriteManyAsync(runId, name, [chunk], cancellationToken);

    public Task WriteManyAsync(string runId, string name, IReadOnlyList<ReadOnlyMemory<byte>> chunks, CancellationToken cancellationToken = default)
    {
        StreamRules.ValidateStream(runId, name);
        StreamRules.ValidateChunks(chunks);
        if (chunks.Count == 0)
        {
            return Task.CompletedTask; // Writing nothing creates nothing.
        }

        lock (state.Gate)
        {
            var stream = _streams.GetValueOrDefault((runId, name), ([], false));
            if (stream.Closed)
            {
                throw new StreamClosedException(runId, name);
            }

            stream.Chunks.AddRange(chunks.Select(chunk => chunk.ToArray()));
            _streams[(runId, name)] = stream;
            SignalLocked();
        }

        return Task.CompletedTask;
    }

    public Task CloseAsync(string runId, string name, CancellationToken cancellationToken = default)
    {
        StreamRules.ValidateStream(runId, name);
        lock (state.Gate)
        {
            _streams[(runId, name)] = (_streams.GetValueOrDefault((runId, name), ([], false)).Chunks, true);
            SignalLocked();
        }

        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadAsync(string runId, string name, int startIndex = 0, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        StreamRules.ValidateStream(runId, name);
        int? next = null;
        while (true)
        {
            // One chunk per lock hold: slow and obvious.
            byte[]? chunk;
            bool closed;
            Task changed;
            lock (state.Gate)
            {
                var stream = _streams.GetValueOrDefault((runId, name), ([], false));
                next ??= StreamRules.ResolveStart(startIndex, stream.Chunks.Count);
                chunk = next < stream.Chunks.Count ? stream.Chunks[next.Value] : null;
                closed = stream.Closed;
                changed = _changed.Task;
            }

            if (chunk is not null)
            {
                yield return chunk;
                next++;
            }
            else if (closed)
            {
                yield break;
            }
            else
            {
                await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public Task<StreamChunkPage> GetChunksAsync(string runId, string name, PageRequest? page = null, CancellationToken cancellationToken = default)
    {
        var (limit, start) = StreamRules.ValidateChunkPage(runId, name, page);
        lock (state.Gate)
        {
            var (chunks, closed) = _streams.GetValueOrDefault((runId, name), ([], false));
            var data = chunks.Skip(start).Take(limit).Select((chunk, i) => new StreamChunk(start + i, chunk)).ToList();
            var end = start + data.Count;
            var cursor = data.Count == 0 ? page?.Cursor : StreamRules.EncodeCursor(end - 1, runId, name);
            return Task.FromResult(new StreamChunkPage(data, cursor, end < chunks.Count, closed && end >= chunks.Count));
        }
    }

    public Task<StreamInfo> GetInfoAsync(string runId, string name, CancellationToken cancellationToken = default)
    {
        StreamRules.ValidateStream(runId, name);
        lock (state.Gate)
        {
            var (chunks, closed) = _streams.GetValueOrDefault((runId, name), ([], false));
            return Task.FromResult(new StreamInfo(chunks.Count - 1, closed));
        }
    }

    public Task<IReadOnlyList<string>> ListAsync(string runId, CancellationToken cancellationToken = default)
    {
        IdValidation.RequireSafeId(runId, nameof(runId));
        lock (state.Gate)
        {
            return Task.FromResult<IReadOnlyList<string>>([.. _streams.Keys.Where(key => key.RunId == runId).Select(key => key.Name).Order(TextRules.Utf8Order)]);
        }
    }

    private void SignalLocked()
    {
        var changed = _changed;
        _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }
}
