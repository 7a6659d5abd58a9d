namespace World;

/// <summary>A page of <see cref="IWorldStreams.GetChunksAsync"/>.</summary>
/// <param name="Data">The chunks, in index order.</param>
/// <param name="Cursor">Where the next page starts; null when the page is empty.</param>
/// <param name="HasMore">Whether more chunks are already written after this page.</param>
/// <param name="Done">Whether the stream is closed and this page reaches its end.</param>
public sealed record StreamChunkPage(IReadOnlyList<StreamChunk> Data, string? Cursor, bool HasMore, bool Done);
