using System.Diagnostics.CodeAnalysis;
namespace World.Backends;

/// <summary>The streamer's rules, in one place for every backend: validation, bounds and index arithmetic.</summary>
[Experimental(BackendApi.DiagnosticId, Message = BackendApi.Message)]
public static class StreamRules
{
    /// <summary>The largest chunk.</summary>
    public const int MaxChunkBytes = WorldLimits.MaxStreamChunkBytes;

    /// <summary>The most chunks of one <see cref="IWorldStreams.WriteManyAsync"/>.</summary>
    public const int MaxChunksPerWrite = WorldLimits.MaxStreamChunksPerWrite;

    /// <summary>The default page size of <see cref="IWorldStreams.GetChunksAsync"/>.</summary>
    public const int DefaultPageSize = 100;

    /// <summary>Validates a run id and stream name.</summary>
    public static void ValidateStream(string runId, string name)
    {
        IdValidation.RequireSafeId(runId, nameof(runId));
        IdValidation.RequireName(name, nameof(name));
    }

    /// <summary>
    /// Validates the arguments of <see cref="IWorldStreams.GetChunksAsync"/> (the default page when null); returns the
    /// page size and the index of the first chunk to read.
    /// </summary>
    public static (int Limit, int Start) ValidateChunkPage(string runId, string name, PageRequest? page)
    {
        ValidateStream(runId, name);
        page ??= PageRequest.Default;
        return (PageCursor.ResolveLimit(page.Limit, DefaultPageSize), DecodeCursor(page.Cursor, runId, name));
    }

    /// <summary>Validates a batch of chunks.</summary>
    public static void ValidateChunks(IReadOnlyList<ReadOnlyMemory<byte>> chunks)
    {
        if (chunks is null)
        {
            throw new WorldValidationException("chunks is required.", nameof(chunks));
        }

        if (chunks.Count > MaxChunksPerWrite)
        {
            throw new WorldValidationException($"At most {MaxChunksPerWrite} chunks may be written at once; got {chunks.Count}.", nameof(chunks));
        }

        foreach (var chunk in chunks)
        {
            if (chunk.Length > MaxChunkBytes)
            {
                throw new PayloadTooLargeException("chunk", chunk.Length, MaxChunkBytes);
            }
        }
    }

    /// <summary>
    /// The first index a reader receives: <paramref name="startIndex"/> itself when not negative, else that many chunks
    /// before the end of a stream of <paramref name="chunkCount"/> chunks, clamped to 0.
    /// </summary>
    public static int ResolveStart(int startIndex, int chunkCount) => startIndex >= 0 ? startIndex : Math.Max(0, chunkCount + startIndex);

    /// <summary>Decodes a chunk cursor of the stream (<paramref name="runId"/>, <paramref name="name"/>): the index of the next chunk.</summary>
    /// <exception cref="WorldValidationException">The cursor belongs to another listing or stream, or was altered.</exception>
    public static int DecodeCursor(string? cursor, string runId, string name)
    {
        if (cursor is null)
        {
            return 0;
        }

        var key = PageCursor.Decode(cursor, CursorListing.StreamChunks, Scope(runId, name));
        return key.StartsWith('i') && int.TryParse(key.AsSpan(1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index)
            ? index
            : throw new WorldValidationException("The cursor is not valid for this listing; pass back a cursor returned by the same listing.", "cursor");
    }

    /// <summary>Encodes the cursor of the chunk after <paramref name="lastIndex"/> of the stream (<paramref name="runId"/>, <paramref name="name"/>).</summary>
    public static string EncodeCursor(int lastIndex, string runId, string name) =>
        PageCursor.Encode(CursorListing.StreamChunks, Scope(runId, name), "i" + (lastIndex + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));

    // NUL cannot occur in a validated name, so (run id, NUL, name) identifies one stream.
    private static string Scope(string runId, string name) => runId + "\0" + name;
}
