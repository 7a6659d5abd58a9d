using System.Security.Cryptography;
using NUlid.Rng;

namespace World;

/// <summary>
/// ULID randomness from the operating system's CSPRNG, without the per-call overhead of NUlid's default RNG
/// (measured at ~13 % of in-memory write time). Run and message ids stay unguessable.
/// </summary>
internal sealed class SecureUlidRng : IUlidRng
{
    private const int RandomLength = 10;

    public static SecureUlidRng Instance { get; } = new();

    public byte[] GetRandomBytes(DateTimeOffset dateTime)
    {
        var bytes = new byte[RandomLength];
        RandomNumberGenerator.Fill(bytes);
        return bytes;
    }

    public void GetRandomBytes(Span<byte> buffer, DateTimeOffset dateTime) => RandomNumberGenerator.Fill(buffer);
}
