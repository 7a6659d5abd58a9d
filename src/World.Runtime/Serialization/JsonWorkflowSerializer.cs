using System.Text.Json;

namespace World.Runtime;

/// <summary>The default serializer: UTF-8 JSON with System.Text.Json (web defaults unless options are given).</summary>
public sealed class JsonWorkflowSerializer : IWorkflowSerializer
{
    /// <summary>Creates the serializer.</summary>
    /// <param name="options">System.Text.Json options; when null, <see cref="JsonSerializerDefaults.Web"/> with fields included (so value tuples, a natural step result, keep their items).</param>
    public JsonWorkflowSerializer(JsonSerializerOptions? options = null)
    {
        Options = options ?? DefaultOptions();
    }

    internal static JsonSerializerOptions DefaultOptions() => new(JsonSerializerDefaults.Web) { IncludeFields = true };

    /// <summary>The System.Text.Json options in use.</summary>
    public JsonSerializerOptions Options { get; }

    /// <inheritdoc />
    public byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    /// <inheritdoc />
    public T Deserialize<T>(ReadOnlyMemory<byte> data) => JsonSerializer.Deserialize<T>(data.Span, Options)!;
}
