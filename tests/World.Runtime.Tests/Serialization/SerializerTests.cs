using System.Formats.Cbor;

namespace World.Runtime.Tests.Serialization;

public sealed class SerializerTests
{
    public sealed record Order(string Id, decimal Total, long Quantity, double Ratio, bool Express, string? Note, List<string> Tags, Dictionary<string, int> Counts, byte[] Blob, DateTimeOffset PlacedAt);

    private static readonly Order Sample = new(
        "ord_1\0x", 12.34m, 9_007_199_254_740_993, 0.1, true, null, ["a", "b"], new() { ["x"] = -1 }, [0, 1, 255], new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.FromHours(1)));

    public static TheoryData<IWorkflowSerializer> Serializers => [new JsonWorkflowSerializer(), new CborWorkflowSerializer()];

    [Theory]
    [MemberData(nameof(Serializers))]
    public void Values_round_trip_exactly(IWorkflowSerializer serializer)
    {
        var back = serializer.Deserialize<Order>(serializer.Serialize(Sample));

        Assert.Equal(Sample with { Tags = back.Tags, Counts = back.Counts, Blob = back.Blob }, back);
        Assert.Equal(Sample.Tags, back.Tags);
        Assert.Equal(Sample.Counts, back.Counts);
        Assert.Equal(Sample.Blob, back.Blob);
    }

    [Theory]
    [MemberData(nameof(Serializers))]
    public void Null_and_primitives_round_trip(IWorkflowSerializer serializer)
    {
        Assert.Null(serializer.Deserialize<string?>(serializer.Serialize<string?>(null)));
        Assert.Equal(-42, serializer.Deserialize<int>(serializer.Serialize(-42)));
        Assert.Equal(ulong.MaxValue, serializer.Deserialize<ulong>(serializer.Serialize(ulong.MaxValue)));
        Assert.Equal("\0", serializer.Deserialize<string>(serializer.Serialize("\0")));
    }

    [Theory]
    [MemberData(nameof(Serializers))]
    public void Value_tuples_keep_their_items(IWorkflowSerializer serializer)
    {
        var back = serializer.Deserialize<(string Id, int Attempt)>(serializer.Serialize((Id: "ch_1", Attempt: 2)));

        Assert.Equal(("ch_1", 2), back);
    }

    [Fact]
    public void Cbor_is_smaller_than_json_and_keeps_decimals_exact()
    {
        var cbor = new CborWorkflowSerializer();
        var json = new JsonWorkflowSerializer();

        Assert.True(cbor.Serialize(Sample).Length < json.Serialize(Sample).Length);
        Assert.Equal(79228162514264337593543950335m, cbor.Deserialize<decimal>(cbor.Serialize(decimal.MaxValue)));
        Assert.Equal(0.1m + 0.2m, cbor.Deserialize<decimal>(cbor.Serialize(0.1m + 0.2m)));
    }

    [Fact]
    public void Cbor_refuses_trailing_bytes()
    {
        var cbor = new CborWorkflowSerializer();
        byte[] data = [.. cbor.Serialize(1), 0x01];

        Assert.Throws<CborContentException>(() => cbor.Deserialize<int>(data));
    }
}
