using World.Backends;

namespace World.Abstractions.Tests.Ids;

public sealed class WorldIdsTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Minted_ids_carry_their_prefix_and_timestamp()
    {
        var runId = WorldIds.NewRunId(Now);
        Assert.Matches("^wrun_[0-9A-HJKMNP-TV-Z]{26}$", runId);
        Assert.True(WorldIds.TryGetTimestamp(runId, IdPrefixes.Run, out var timestamp));
        Assert.Equal(Now, timestamp);
    }

    [Fact]
    public void Event_ids_minted_in_the_same_millisecond_still_increase()
    {
        string? last = null;
        for (var i = 0; i < 1000; i++)
        {
            var next = WorldIds.NewEventIdAfter(last, Now);
            Assert.True(last is null || string.CompareOrdinal(next, last) > 0);
            last = next;
        }
    }

    [Fact]
    public void Event_ids_sort_after_the_previous_even_if_it_is_from_the_future()
    {
        var future = WorldIds.NewEventIdAfter(null, Now.AddHours(1));
        Assert.True(string.CompareOrdinal(WorldIds.NewEventIdAfter(future, Now), future) > 0);
    }

    [Fact]
    public void Ids_with_the_wrong_prefix_or_length_have_no_timestamp()
    {
        Assert.False(WorldIds.TryGetTimestamp("step_01ARZ3NDEKTSV4RRFFQ69G5FAV", IdPrefixes.Run, out _));
        Assert.False(WorldIds.TryGetTimestamp("wrun_01ARZ3NDEK", IdPrefixes.Run, out _));
        Assert.False(WorldIds.TryGetTimestamp("wrun_01ARZ3NDEKTSV4RRFFQ69G5FAU", IdPrefixes.Run, out _));
    }

    [Theory]
    [InlineData("abc", true)]
    [InlineData("A-b_9", true)]
    [InlineData("", false)]
    [InlineData("a.b", false)]
    [InlineData("a/b", false)]
    [InlineData("é", false)]
    public void Safe_ids_are_limited_to_a_path_and_sql_safe_charset(string id, bool safe)
    {
        Assert.Equal(safe, IdValidation.IsSafe(id));
    }
}
