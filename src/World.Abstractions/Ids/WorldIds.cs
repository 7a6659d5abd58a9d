using System.Buffers.Binary;
using NUlid;
using World.Backends;

namespace World;

/// <summary>Mints the ids of the contract: a prefix followed by a ULID whose time part is the given clock reading.</summary>
public static class WorldIds
{
    /// <summary>The length of a ULID in its canonical text form.</summary>
    public const int UlidLength = 26;

    private static readonly NUlid.Rng.IUlidRng EventIdRng = new NUlid.Rng.SimpleUlidRng();

    /// <summary>A new run id (<c>wrun_</c> + ULID).</summary>
    public static string NewRunId(DateTimeOffset now) => IdPrefixes.Run + Ulid.NewUlid(now, SecureUlidRng.Instance);

    /// <summary>A new id with the given prefix.</summary>
    public static string New(string prefix, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        return prefix + Ulid.NewUlid(now, SecureUlidRng.Instance);
    }

    /// <summary>
    /// Mints <paramref name="count"/> ids with the given prefix that sort in list order: a random first id, then its
    /// successors. For batches whose members must keep their order (the messages of one batch enqueue).
    /// </summary>
    public static string[] NewAscending(string prefix, DateTimeOffset now, int count)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var ids = new string[count];
        var next = Ulid.NewUlid(now, SecureUlidRng.Instance);
        for (var i = 0; i < count; i++)
        {
            ids[i] = prefix + next;
            next = Increment(next);
        }

        return ids;
    }

    /// <summary>
    /// Mints an event id that sorts strictly after <paramref name="previousEventId"/>. Called under the run's write
    /// lock, this makes id order equal commit order within a run even when clocks of two writers disagree.
    /// </summary>
    public static string NewEventIdAfter(string? previousEventId, DateTimeOffset now)
    {
        // Event ids must be ordered, not secret: a fast RNG will do, and comparing the canonical (fixed-length,
        // uppercase Crockford) text orders like the numbers, so the previous id is parsed only when the clock stalls.
        var candidate = Ulid.NewUlid(now, EventIdRng).ToString();
        if (previousEventId is null
            || string.CompareOrdinal(candidate, 0, previousEventId, IdPrefixes.Event.Length, UlidLength) > 0)
        {
            return IdPrefixes.Event + candidate;
        }

        var previous = Ulid.Parse(previousEventId.AsSpan(IdPrefixes.Event.Length).ToString());
        return IdPrefixes.Event + Increment(previous);
    }

    /// <summary>Reads the creation time embedded in a prefixed ULID id, if it is one.</summary>
    public static bool TryGetTimestamp(string id, string prefix, out DateTimeOffset timestamp)
    {
        timestamp = default;
        if (id is null || !id.StartsWith(prefix, StringComparison.Ordinal) || id.Length != prefix.Length + UlidLength)
        {
            return false;
        }

        if (!IdValidation.IsCrockford(id.AsSpan(prefix.Length)) || !Ulid.TryParse(id[prefix.Length..], out var ulid))
        {
            return false;
        }

        timestamp = ulid.Time;
        return true;
    }

    private static Ulid Increment(Ulid value)
    {
        Span<byte> bytes = stackalloc byte[16];
        value.ToByteArray().CopyTo(bytes);
        var low = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        var high = BinaryPrimitives.ReadUInt64BigEndian(bytes[..8]);
        low++;
        if (low == 0)
        {
            high++;
        }

        BinaryPrimitives.WriteUInt64BigEndian(bytes[..8], high);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], low);
        return new Ulid(bytes.ToArray());
    }
}
