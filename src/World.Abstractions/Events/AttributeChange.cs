namespace World;

/// <summary>One attribute change of an <c>attr_set</c> event: a value upserts the key, null deletes it.</summary>
/// <param name="Key">The attribute key, 1 to 256 characters.</param>
/// <param name="Value">The new value (at most 256 UTF-8 bytes), or null to delete the key.</param>
public sealed record AttributeChange(string Key, string? Value);
