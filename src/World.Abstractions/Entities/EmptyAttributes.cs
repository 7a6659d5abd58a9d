using System.Collections.ObjectModel;

namespace World;

/// <summary>The shared empty attribute map, so entities never carry a null map.</summary>
internal static class EmptyAttributes
{
    public static readonly IReadOnlyDictionary<string, string> Instance =
        new ReadOnlyDictionary<string, string>(new Dictionary<string, string>(StringComparer.Ordinal));
}
