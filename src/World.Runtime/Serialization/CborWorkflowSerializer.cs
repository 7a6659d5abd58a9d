using System.Formats.Cbor;
using System.Globalization;
using System.Text.Json;

namespace World.Runtime;

/// <summary>
/// A compact binary serializer: values are mapped by System.Text.Json (so the same attributes and converters apply)
/// and written as CBOR (RFC 8949) with System.Formats.Cbor. Integers stay integers and non-integral numbers keep
/// their exact decimal value (CBOR decimal fractions).
/// </summary>
public sealed class CborWorkflowSerializer : IWorkflowSerializer
{
    /// <summary>Creates the serializer.</summary>
    /// <param name="options">System.Text.Json options for the value mapping; the JSON serializer's defaults when null.</param>
    public CborWorkflowSerializer(JsonSerializerOptions? options = null)
    {
        Options = options ?? JsonWorkflowSerializer.DefaultOptions();
    }

    /// <summary>The System.Text.Json options of the value mapping.</summary>
    public JsonSerializerOptions Options { get; }

    /// <inheritdoc />
    public byte[] Serialize<T>(T value)
    {
        var element = JsonSerializer.SerializeToElement(value, Options);
        var writer = new CborWriter(CborConformanceMode.Strict, convertIndefiniteLengthEncodings: true);
        Write(writer, element);
        return writer.Encode();
    }

    /// <inheritdoc />
    public T Deserialize<T>(ReadOnlyMemory<byte> data)
    {
        var reader = new CborReader(data, CborConformanceMode.Lax);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            Read(reader, json);
        }

        if (reader.BytesRemaining != 0)
        {
            throw new CborContentException($"{reader.BytesRemaining} bytes follow the CBOR value.");
        }

        return JsonSerializer.Deserialize<T>(buffer.WrittenSpan, Options)!;
    }

    private static void Write(CborWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartMap(null);
                foreach (var property in element.EnumerateObject())
                {
                    writer.WriteTextString(property.Name);
                    Write(writer, property.Value);
                }

                writer.WriteEndMap();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray(null);
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                writer.WriteTextString(element.GetString()!);
                break;
            case JsonValueKind.Number when element.TryGetInt64(out var integer):
                writer.WriteInt64(integer);
                break;
            case JsonValueKind.Number when element.TryGetDecimal(out var exact):
                writer.WriteDecimal(exact);
                break;
            case JsonValueKind.Number:
                writer.WriteDouble(element.GetDouble());
                break;
            case JsonValueKind.True:
                writer.WriteBoolean(true);
                break;
            case JsonValueKind.False:
                writer.WriteBoolean(false);
                break;
            default:
                writer.WriteNull();
                break;
        }
    }

    private static void Read(CborReader reader, Utf8JsonWriter json)
    {
        switch (reader.PeekState())
        {
            case CborReaderState.StartMap:
                reader.ReadStartMap();
                json.WriteStartObject();
                while (reader.PeekState() != CborReaderState.EndMap)
                {
                    json.WritePropertyName(reader.ReadTextString());
                    Read(reader, json);
                }

                reader.ReadEndMap();
                json.WriteEndObject();
                break;
            case CborReaderState.StartArray:
                reader.ReadStartArray();
                json.WriteStartArray();
                while (reader.PeekState() != CborReaderState.EndArray)
                {
                    Read(reader, json);
                }

                reader.ReadEndArray();
                json.WriteEndArray();
                break;
            case CborReaderState.TextString:
                json.WriteStringValue(reader.ReadTextString());
                break;
            case CborReaderState.ByteString:
                json.WriteBase64StringValue(reader.ReadByteString());
                break;
            case CborReaderState.UnsignedInteger:
                json.WriteNumberValue(reader.ReadUInt64());
                break;
            case CborReaderState.NegativeInteger:
                json.WriteNumberValue(reader.ReadInt64());
                break;
            case CborReaderState.Tag when reader.PeekTag() == CborTag.DecimalFraction:
                json.WriteNumberValue(reader.ReadDecimal());
                break;
            case CborReaderState.HalfPrecisionFloat:
            case CborReaderState.SinglePrecisionFloat:
            case CborReaderState.DoublePrecisionFloat:
                json.WriteNumberValue(reader.ReadDouble());
                break;
            case CborReaderState.Boolean:
                json.WriteBooleanValue(reader.ReadBoolean());
                break;
            case CborReaderState.Null:
                reader.ReadNull();
                json.WriteNullValue();
                break;
            default:
                throw new CborContentException(string.Create(CultureInfo.InvariantCulture, $"Unsupported CBOR item: {reader.PeekState()}."));
        }
    }
}
