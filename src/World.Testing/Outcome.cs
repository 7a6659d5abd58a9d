namespace World.Testing;

/// <summary>The outcome of one racer in <see cref="WorldTestBase"/>'s race helper: a value or a typed World error.</summary>
/// <typeparam name="T">The value type.</typeparam>
/// <param name="Value">The value when the operation succeeded.</param>
/// <param name="Error">The error when it failed with a <see cref="WorldException"/>.</param>
public sealed record Outcome<T>(T? Value, WorldException? Error)
{
    /// <summary>Whether the operation succeeded.</summary>
    public bool Succeeded => Error is null;
}
