using World.Runtime.Execution;

namespace World.Runtime.Tests.Execution;

public sealed class DeterministicIdsTests
{
    private static readonly DateTimeOffset Time = new(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_same_run_and_position_give_the_same_id_on_every_replay()
    {
        Assert.Equal(DeterministicIds.For(IdPrefixes.Step, "wrun_A", Time, "1"), DeterministicIds.For(IdPrefixes.Step, "wrun_A", Time, "1"));
    }

    [Fact]
    public void Ids_differ_by_position_and_by_run_and_are_valid_ulids_with_the_given_time()
    {
        var ids = Enumerable.Range(1, 10_000).Select(i => DeterministicIds.For(IdPrefixes.Step, "wrun_A", Time, i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList();
        ids.Add(DeterministicIds.For(IdPrefixes.Step, "wrun_B", Time, "1"));

        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(ids, id =>
        {
            Assert.True(WorldIds.TryGetTimestamp(id, IdPrefixes.Step, out var timestamp), id);
            Assert.Equal(Time, timestamp);
        });
    }
}
