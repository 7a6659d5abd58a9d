namespace World;

/// <summary>One chunk of a stream.</summary>
/// <param name="Index">Its position, from 0.</param>
/// <param name="Data">Its bytes.</param>
public sealed record StreamChunk(int Index, ReadOnlyMemory<byte> Data);
