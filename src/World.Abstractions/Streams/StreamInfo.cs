namespace World;

/// <summary>The state of a stream.</summary>
/// <param name="TailIndex">The index of the last chunk, −1 when it has none.</param>
/// <param name="Done">Whether it is closed.</param>
public sealed record StreamInfo(int TailIndex, bool Done);
