using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using NUlid;

namespace World.Runtime.Execution;

/// <summary>
/// Correlation ids that every replay of a run derives identically: a ULID whose time is fixed by the caller and
/// whose randomness is a hash of the run id and a discriminator (the operation's position in the workflow).
/// </summary>
internal static class DeterministicIds
{
    public static string For(string prefix, string runId, DateTimeOffset time, string discriminator)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(runId + "\n" + discriminator), hash);
        var bytes = new byte[16];
        Span<byte> milliseconds = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(milliseconds, time.ToUnixTimeMilliseconds());
        milliseconds[2..].CopyTo(bytes);
        hash[..10].CopyTo(bytes.AsSpan(6));
        return prefix + new Ulid(bytes);
    }
}
