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
