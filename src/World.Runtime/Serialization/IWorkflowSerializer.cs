namespace World.Runtime;

/// <summary>
/// Turns user values (workflow inputs and outputs, step results, hook payloads and metadata, stream chunks) into the
/// opaque bytes the World stores, and back. Every worker of a deployment must use the same serializer.
/// </summary>
public interface IWorkflowSerializer
{
    /// <summary>Serializes a value.</summary>
    byte[] Serialize<T>(T value);

    /// <summary>Deserializes a value serialized by <see cref="Serialize{T}"/>.</summary>
    T Deserialize<T>(ReadOnlyMemory<byte> data);
}
