using World.Backends;

namespace World.Abstractions.Tests.Paging;

public sealed class PageCursorTests
{
    [Fact]
    public void Cursors_round_trip_and_are_opaque()
    {
        var cursor = PageCursor.Encode(CursorListing.Events, "wrun_a", "evnt_01ARZ3NDEKTSV4RRFFQ69G5FAV");
        Assert.DoesNotContain("evnt_", cursor, StringComparison.Ordinal);
        Assert.Equal("evnt_01ARZ3NDEKTSV4RRFFQ69G5FAV", PageCursor.Decode(cursor, CursorListing.Events, "wrun_a"));
    }

    [Fact]
    public void A_cursor_is_bound_to_its_listing_and_scope()
    {
        var cursor = PageCursor.Encode(CursorListing.Events, "wrun_a", "evnt_01ARZ3NDEKTSV4RRFFQ69G5FAV");
        Assert.Equal("cursor", Assert.Throws<WorldValidationException>(() => PageCursor.Decode(cursor, CursorListing.Steps, "wrun_a")).Field);
        Assert.Equal("cursor", Assert.Throws<WorldValidationException>(() => PageCursor.Decode(cursor, CursorListing.Events, "wrun_b")).Field);
        for (var length = 1; length < cursor.Length; length++)
        {
            var truncated = cursor[..length];
            Assert.Equal("cursor", Assert.Throws<WorldValidationException>(() => PageCursor.Decode(truncated, CursorListing.Events, "wrun_a")).Field);
        }
    }

    [Theory]
    [InlineData("not a cursor")]
    [InlineData("evnt_01ARZ3NDEKTSV4RRFFQ69G5FAV")]
    [InlineData("")]
    [InlineData("YzE6Jy0t")]
    public void Foreign_cursors_are_validation_errors(string cursor)
    {
        Assert.Equal("cursor", Assert.Throws<WorldValidationException>(() => PageCursor.Decode(cursor, CursorListing.Events, "wrun_a")).Field);
    }

    [Theory]
    [InlineData(null, 20)]
    [InlineData(1, 1)]
    [InlineData(1000, 1000)]
    [InlineData(1001, 1000)]
    [InlineData(int.MaxValue, 1000)]
    public void Limits_default_and_clamp_at_1000(int? limit, int expected)
    {
        Assert.Equal(expected, PageCursor.ResolveLimit(limit, 20));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Non_positive_limits_are_validation_errors(int limit)
    {
        Assert.Equal("limit", Assert.Throws<WorldValidationException>(() => PageCursor.ResolveLimit(limit, 20)).Field);
    }
}
