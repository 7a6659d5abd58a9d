using System.Text.Json;

namespace World.Runtime;

/// <summary>The default serializer: UTF-8 JSON with System.Text.Json (web defaults unless options are given).</summary>
public sealed class JsonWorkflowSerializer : IWorkflowSerializer
{
    /// <summary>Creates the serializer.</summary>
    /// <param name="options">System.Text.Json options; <see cref="JsonSerializerDefaults.Web"/> when null.</param>
    public JsonWorkflowSerializer(JsonSerializerOptions? options = null)
    {
        Options = options ?? new JsonSerializerOptions(JsonSerializerDefaults.Web);
    }

    /// <summary>The System.Text.Json options in use.</summary>
    public JsonSerializerOptions Options { get; }

    /// <inheritdoc />
    public byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    /// <inheritdoc />
    public T Deserialize<T>(ReadOnlyMemory<byte> data) => JsonSerializer.Deserialize<T>(data.Span, Options)!;
}
