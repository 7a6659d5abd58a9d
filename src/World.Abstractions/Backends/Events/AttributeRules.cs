using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace World.Backends;

/// <summary>The limits of run attributes: keys, values, count, reserved keys and total size.</summary>
[Experimental(BackendApi.DiagnosticId, Message = BackendApi.Message)]
public static class AttributeRules
{
    /// <summary>The longest key, in UTF-8 bytes.</summary>
    public const int MaxKeyLength = 256;

    /// <summary>The longest value, in UTF-8 bytes.</summary>
    public const int MaxValueBytes = 256;

    /// <summary>The most keys a run may hold after a merge.</summary>
    public const int MaxKeys = 64;

    /// <summary>The largest total of one change set (keys plus values), in UTF-8 bytes.</summary>
    public const int MaxChangeSetBytes = 8192;

    /// <summary>Keys starting with this are reserved for the framework (lineage, retention).</summary>
    public const string ReservedPrefix = "$";

    /// <summary>Validates an initial attribute map (from <c>run_created</c> or a resilient <c>run_started</c>).</summary>
    /// <exception cref="AttributeValidationException">A limit is broken.</exception>
    public static void ValidateInitial(IReadOnlyDictionary<string, string>? attributes, bool allowReserved)
    {
        if (attributes is null)
        {
            return;
        }

        if (attributes.Count > MaxKeys)
        {
            throw new AttributeValidationException($"A run may hold at most {MaxKeys} attributes; got {attributes.Count}.");
        }

        ValidateChangeSet(attributes.Select(pair => new AttributeChange(pair.Key, pair.Value)).ToArray(), allowReserved);
    }

    /// <summary>Validates one change set on its own (the merge count is checked by <see cref="Merge"/>).</summary>
    /// <exception cref="AttributeValidationException">A limit is broken.</exception>
    public static void ValidateChangeSet(IReadOnlyList<AttributeChange>? changes, bool allowReserved)
    {
        if (changes is null || changes.Count == 0)
        {
            throw new AttributeValidationException("An attribute change set must hold at least one change.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var total = 0;
        foreach (var change in changes)
        {
            if (change is null || string.IsNullOrEmpty(change.Key))
            {
                throw new AttributeValidationException($"Attribute keys must be 1 to {MaxKeyLength} UTF-8 bytes.");
            }

            // One text rule for every backend: keys are names (no control characters), values free text (no NUL);
            // both well-formed Unicode so they have an exact UTF-8 form on every backend.
            try
            {
                IdValidation.RequireKey(change.Key, "key", MaxKeyLength);
                TextRules.RequireText(change.Value, "value", MaxValueBytes);
            }
            catch (WorldValidationException invalid)
            {
                throw new AttributeValidationException($"Attribute {invalid.Message}", SafeKey(change.Key));
            }

            if (!seen.Add(change.Key))
            {
                throw new AttributeValidationException($"Attribute key '{change.Key}' appears more than once in one change set.", change.Key);
            }

            if (!allowReserved && change.Key.StartsWith(ReservedPrefix, StringComparison.Ordinal))
            {
                throw new AttributeValidationException($"Attribute key '{change.Key}' is reserved; keys starting with '{ReservedPrefix}' need allowReservedAttributes.", change.Key);
            }

            var valueBytes = change.Value is null ? 0 : Encoding.UTF8.GetByteCount(change.Value);
            if (valueBytes > MaxValueBytes)
            {
                throw new AttributeValidationException($"The value of attribute '{change.Key}' is {valueBytes} UTF-8 bytes; the limit is {MaxValueBytes}.", change.Key);
            }

            total += Encoding.UTF8.GetByteCount(change.Key) + valueBytes;
        }

        if (total > MaxChangeSetBytes)
        {
            throw new AttributeValidationException($"The change set is {total} UTF-8 bytes; the limit is {MaxChangeSetBytes}.");
        }
    }

    // A key that failed validation is not echoed into the field name when it is not itself a valid key.
    private static string? SafeKey(string key) =>
        TextRules.IsWellFormed(key) && !key.Any(char.IsControl) && Encoding.UTF8.GetByteCount(key) <= MaxKeyLength ? key : null;

    /// <summary>Merges changes into the current attributes: a value upserts, null deletes, other keys are kept.</summary>
    /// <exception cref="AttributeValidationException">The merged map would exceed <see cref="MaxKeys"/>.</exception>
    public static IReadOnlyDictionary<string, string> Merge(IReadOnlyDictionary<string, string> current, IReadOnlyList<AttributeChange> changes)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(changes);
        var merged = new Dictionary<string, string>(current, StringComparer.Ordinal);
        foreach (var change in changes)
        {
            if (change.Value is null)
            {
                merged.Remove(change.Key);
            }
            else
            {
                merged[change.Key] = change.Value;
            }
        }

        if (merged.Count > MaxKeys)
        {
            throw new AttributeValidationException($"A run may hold at most {MaxKeys} attributes; the change would leave {merged.Count}.");
        }

        return merged.AsReadOnly();
    }
}
