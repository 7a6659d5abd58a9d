using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace World.Serialization;

/// <summary>
/// The JSON conventions of the contract: camelCase members, snake_case enum values (<c>run_created</c>,
/// <c>pending</c>), payloads as base64, and <see cref="EventData"/> polymorphic on <c>eventType</c>.
/// </summary>
public static class WorldJson
{
    /// <summary>Shared, read-only serializer options.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    // Known gap, not a claim of safety: these options use the reflection resolver for the contract's own public records
    // (EventData and its derived events, entities, StructuredError) and the non-generic enum converter. A trimmed or
    // native-AOT application must root World.Abstractions (<TrimmerRootAssembly Include="World.Abstractions" />) until a
    // source-generated JsonSerializerContext for the contract types replaces them (tracked by issue 16's follow-up).
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Contract records only; see the comment above (root World.Abstractions when trimming).")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Contract records and enums only; see the comment above (root World.Abstractions when trimming).")]
    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            RespectNullableAnnotations = true,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
