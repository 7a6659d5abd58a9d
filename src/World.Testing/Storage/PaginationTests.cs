namespace World.Testing.Storage;

/// <summary>
/// Cursor pagination invariants on every listing (docs/guarantees.md#6-reads-and-pagination): pages concatenate to the
/// whole ordered set with no duplicate or gap, cursors are exclusive and stable, <c>hasMore</c> is exact on every
/// page, an empty page has a null cursor, limits clamp at 1000, and items added during paging are not skipped.
/// </summary>
/// <typeparam name="TFactory">The backend's factory of Worlds (see <see cref="IWorldFactory"/>).</typeparam>
public abstract class PaginationTests<TFactory> : WorldTestBase<TFactory>
    where TFactory : class, IWorldFactory
{
    private const int SeedCount = 7;

    /// <summary>The listings under test.</summary>
    public enum Listing
    {
        /// <summary><c>events.list</c></summary>
        Events,

        /// <summary><c>events.list</c> filtered by correlation id</summary>
        EventsByCorrelation,

        /// <summary><c>runs.list</c></summary>
        Runs,

        /// <summary><c>runs.list</c> filtered by workflow name and status</summary>
        RunsFiltered,

        /// <summary><c>steps.list</c></summary>
        Steps,

        /// <summary><c>hooks.list</c> of one run</summary>
        HooksOfRun,

        /// <summary><c>hooks.list</c> across runs</summary>
        Hooks,
    }

    public static TheoryData<Listing, int, SortOrder> PagingCases()
    {
        var data = new TheoryData<Listing, int, SortOrder>();
        foreach (var listing in Enum.GetValues<Listing>())
        {
            foreach (var limit in new[] { 1, 3, SeedCount, 100 })
            {
                foreach (var order in new[] { SortOrder.Ascending, SortOrder.Descending })
                {
                    data.Add(listing, limit, order);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PagingCases))]
    public async Task Pages_concatenate_to_the_whole_ordered_set_with_exact_hasMore(Listing listing, int limit, SortOrder order)
    {
        var fixture = await SeedAsync(listing, SeedCount);
        var expected = order == SortOrder.Ascending ? fixture.AscendingKeys : Enumerable.Reverse(fixture.AscendingKeys).ToList();

        var seen = new List<string>();
        string? cursor = null;
        for (var pageNumber = 0; pageNumber < 100; pageNumber++)
        {
            var page = await fixture.ListAsync(new PageRequest { Limit = limit, Cursor = cursor, SortOrder = order });
            Assert.True(page.Keys.Count <= limit, $"page of {page.Keys.Count} exceeds limit {limit}");
            seen.AddRange(page.Keys);
            Assert.Equal(seen.Count < expected.Count, page.HasMore);
            if (page.Keys.Count == 0)
            {
                Assert.Null(page.Cursor);
            }
            else
            {
                Assert.NotNull(page.Cursor);
            }

            if (!page.HasMore)
            {
                break;
            }

            cursor = page.Cursor;
        }

        Assert.Equal(expected, seen);
    }

    public static TheoryData<Listing> Listings() => [.. Enum.GetValues<Listing>()];

    [Theory]
    [MemberData(nameof(Listings))]
    public async Task The_default_order_is_the_contracts(Listing listing)
    {
        var fixture = await SeedAsync(listing, 3);
        var page = await fixture.ListAsync(PageRequest.Default);
        var descendingByDefault = listing is Listing.Runs or Listing.RunsFiltered or Listing.Steps;
        Assert.Equal(descendingByDefault ? Enumerable.Reverse(fixture.AscendingKeys) : fixture.AscendingKeys, page.Keys);
    }

    [Theory]
    [MemberData(nameof(Listings))]
    public async Task A_cursor_is_exclusive_and_stable(Listing listing)
    {
        var fixture = await SeedAsync(listing, 5);
        var first = await fixture.ListAsync(new PageRequest { Limit = 2, SortOrder = SortOrder.Ascending });
        var second = await fixture.ListAsync(new PageRequest { Limit = 2, SortOrder = SortOrder.Ascending, Cursor = first.Cursor });
        var again = await fixture.ListAsync(new PageRequest { Limit = 2, SortOrder = SortOrder.Ascending, Cursor = first.Cursor });

        Assert.Equal(fixture.AscendingKeys.Take(2), first.Keys);
        Assert.Equal(fixture.AscendingKeys.Skip(2).Take(2), second.Keys);
        Assert.Equal(second.Keys, again.Keys);
        Assert.Equal(second.Cursor, again.Cursor);
    }

    [Theory]
    [MemberData(nameof(Listings))]
    public async Task An_empty_listing_has_a_null_cursor_and_no_more(Listing listing)
    {
        var fixture = await SeedAsync(listing, 0);
        var page = await fixture.ListAsync(PageRequest.Default);
        Assert.Empty(page.Keys);
        Assert.Null(page.Cursor);
        Assert.False(page.HasMore);
    }

    [Theory]
    [MemberData(nameof(Listings))]
    public async Task The_last_page_exactly_full_reports_no_more(Listing listing)
    {
        var fixture = await SeedAsync(listing, 4);
        var first = await fixture.ListAsync(new PageRequest { Limit = 2, SortOrder = SortOrder.Ascending });
        var last = await fixture.ListAsync(new PageRequest { Limit = 2, SortOrder = SortOrder.Ascending, Cursor = first.Cursor });
        Assert.True(first.HasMore);
        Assert.Equal(2, last.Keys.Count);
        Assert.False(last.HasMore);
        var beyond = await fixture.ListAsync(new PageRequest { Limit = 2, SortOrder = SortOrder.Ascending, Cursor = last.Cursor });
        Assert.Empty(beyond.Keys);
        Assert.Null(beyond.Cursor);
        Assert.False(beyond.HasMore);
    }

    [Theory]
    [MemberData(nameof(Listings))]
    public async Task Items_added_during_ascending_paging_are_not_skipped_or_duplicated(Listing listing)
    {
        var fixture = await SeedAsync(listing, 4);
        var first = await fixture.ListAsync(new PageRequest { Limit = 2, SortOrder = SortOrder.Ascending });
        Clock.Advance(TimeSpan.FromSeconds(1));
        var added = await fixture.AddAsync();

        var seen = new List<string>(first.Keys);
        var cursor = first.Cursor;
        while (cursor is not null)
        {
            var page = await fixture.ListAsync(new PageRequest { Limit = 2, SortOrder = SortOrder.Ascending, Cursor = cursor });
            seen.AddRange(page.Keys);
            cursor = page.HasMore ? page.Cursor : null;
        }

        Assert.Equal([.. fixture.AscendingKeys, added], seen);
    }

    [Fact]
    public async Task Newest_first_paging_past_the_end_stays_empty_when_newer_items_arrive()
    {
        // https://github.com/vercel/workflow/issues/298: after reaching the end of a newest-first listing, newer items
        // belong before the cursor, so the old cursor yields nothing; a fresh query sees them first and its cursor
        // leads to the rest.
        var run = await CreateStartedRunAsync();
        var old = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            old.Add((await CreateStepAsync(run.RunId)).StepId);
        }

        var all = await World.Steps.ListAsync(new StepQuery(run.RunId) { Page = new PageRequest { Limit = 4 } }, Cancellation);
        Assert.False(all.HasMore);
        Assert.NotNull(all.Cursor);

        var added = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            added.Add((await CreateStepAsync(run.RunId)).StepId);
        }

        var fromOldCursor = await World.Steps.ListAsync(new StepQuery(run.RunId) { Page = new PageRequest { Limit = 4, Cursor = all.Cursor } }, Cancellation);
        Assert.Empty(fromOldCursor.Data);
        Assert.False(fromOldCursor.HasMore);

        var fresh = await World.Steps.ListAsync(new StepQuery(run.RunId) { Page = new PageRequest { Limit = 4 } }, Cancellation);
        Assert.Equal(Enumerable.Reverse(added), fresh.Data.Select(s => s.StepId));
        Assert.True(fresh.HasMore);
        var rest = await World.Steps.ListAsync(new StepQuery(run.RunId) { Page = new PageRequest { Limit = 4, Cursor = fresh.Cursor } }, Cancellation);
        Assert.Equal(Enumerable.Reverse(old), rest.Data.Select(s => s.StepId));
        Assert.False(rest.HasMore);
    }

    [Theory]
    [MemberData(nameof(Listings))]
    public async Task Cursors_from_another_world_format_are_rejected(Listing listing)
    {
        var fixture = await SeedAsync(listing, 1);
        var error = await Assert.ThrowsAsync<WorldValidationException>(() => fixture.ListAsync(new PageRequest { Cursor = "not-a-cursor!" }));
        Assert.Equal("cursor", error.Field);
    }

    [Theory]
    [MemberData(nameof(Listings))]
    public async Task Non_positive_limits_are_rejected(Listing listing)
    {
        var fixture = await SeedAsync(listing, 1);
        Assert.Equal("limit", (await Assert.ThrowsAsync<WorldValidationException>(() => fixture.ListAsync(new PageRequest { Limit = 0 }))).Field);
        Assert.Equal("limit", (await Assert.ThrowsAsync<WorldValidationException>(() => fixture.ListAsync(new PageRequest { Limit = -5 }))).Field);
    }

    [Fact]
    public async Task Limits_above_1000_are_clamped_to_1000()
    {
        var run = await CreateStartedRunAsync();
        for (var i = 0; i < 1000; i++)
        {
            await AppendAsync(run.RunId, new AttrSet([new AttributeChange("n", i.ToString(System.Globalization.CultureInfo.InvariantCulture))], new AttributeWriter("step", "step_x", i)));
        }

        var page = await World.Events.ListAsync(new EventQuery(run.RunId) { Page = new PageRequest { Limit = 5000 } }, Cancellation);
        Assert.Equal(PageRequest.MaxLimit, page.Data.Count);
        Assert.True(page.HasMore);
        var rest = await World.Events.ListAsync(new EventQuery(run.RunId) { Page = new PageRequest { Limit = 5000, Cursor = page.Cursor } }, Cancellation);
        Assert.Equal(2, rest.Data.Count);
        Assert.False(rest.HasMore);
    }

    [Fact]
    public async Task The_default_limits_are_the_contracts()
    {
        var run = await CreateStartedRunAsync();
        for (var i = 0; i < 25; i++)
        {
            await CreateStepAsync(run.RunId);
        }

        Assert.Equal(StepQuery.DefaultLimit, (await World.Steps.ListAsync(new StepQuery(run.RunId), Cancellation)).Data.Count);
        Assert.Equal(27, (await World.Events.ListAsync(new EventQuery(run.RunId), Cancellation)).Data.Count);
    }

    [Fact]
    public async Task Runs_filter_by_workflow_name_and_status()
    {
        // Runs created in one millisecond have no defined order, so each gets its own.
        var a1 = await CreateRunAsync("workflow//a");
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        var a2 = await CreateStartedRunAsync("workflow//a");
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        var b1 = await CreateStartedRunAsync("workflow//b");
        await AppendAsync(b1.RunId, new RunCompleted(Bytes("x")));

        async Task<IReadOnlyList<string>> List(RunQuery query) =>
            (await World.Runs.ListAsync(query, Cancellation)).Data.Select(r => r.RunId).ToList();

        Assert.Equal([a2.RunId, a1.RunId], await List(new RunQuery { WorkflowName = "workflow//a" }));
        Assert.Equal([a2.RunId], await List(new RunQuery { Statuses = [RunStatus.Running] }));
        Assert.Equal([b1.RunId, a1.RunId], await List(new RunQuery { Statuses = [RunStatus.Pending, RunStatus.Completed] }));
        Assert.Equal([a1.RunId], await List(new RunQuery { WorkflowName = "workflow//a", Statuses = [RunStatus.Pending] }));
        Assert.Empty(await List(new RunQuery { Statuses = [] }));
        Assert.Empty(await List(new RunQuery { WorkflowName = "workflow//none" }));
    }

    /// <summary>A seeded listing: its keys in ascending order, a lister and a way to add one more item.</summary>
    private sealed record SeededListing(
        List<string> AscendingKeys,
        Func<PageRequest, Task<KeyPage>> ListAsync,
        Func<Task<string>> AddAsync);

    /// <summary>A page reduced to item keys.</summary>
    private sealed record KeyPage(IReadOnlyList<string> Keys, string? Cursor, bool HasMore);

    private static KeyPage Keys<T>(Page<T> page, Func<T, string> key) => new(page.Data.Select(key).ToList(), page.Cursor, page.HasMore);

    private async Task<SeededListing> SeedAsync(Listing listing, int count)
    {
        var keys = new List<string>();
        switch (listing)
        {
            case Listing.Events:
            {
                // The log of a run: run_created, then attr_set events. Zero items: the log of an unknown run.
                if (count == 0)
                {
                    var unknown = WorldIds.NewRunId(Clock.GetUtcNow());
                    return new SeededListing(keys, p => ListEvents(unknown, null, p), () => throw new NotSupportedException());
                }

                var run = await CreateRunAsync();
                keys.Add((await ReadLogAsync(run.RunId))[0].EventId);
                var n = 0;
                async Task<string> Add() =>
                    (await AppendAsync(run.RunId, new AttrSet([new AttributeChange("n", $"{n++}")], new AttributeWriter("step", "step_x", n)))).Event!.EventId;
                while (keys.Count < count)
                {
                    keys.Add(await Add());
                }

                return new SeededListing(keys, p => ListEvents(run.RunId, null, p), Add);
            }

            case Listing.EventsByCorrelation:
            {
                // One step's events (step_created, then repeated step_started) interleaved with another step's.
                var run = await CreateStartedRunAsync();
                var noise = await CreateStepAsync(run.RunId);
                var stepId = NewId(IdPrefixes.Step);
                var created = false;
                async Task<string> Add()
                {
                    var result = created
                        ? await AppendAsync(run.RunId, new StepStarted(), stepId)
                        : await AppendAsync(run.RunId, new StepCreated("s", Bytes("x")), stepId);
                    created = true;
                    await AppendAsync(run.RunId, new StepStarted(), noise.StepId);
                    return result.Event!.EventId;
                }

                for (var i = 0; i < count; i++)
                {
                    keys.Add(await Add());
                }

                return new SeededListing(keys, p => ListEvents(run.RunId, stepId, p), Add);
            }

            case Listing.Runs:
            case Listing.RunsFiltered:
            {
                var filtered = listing == Listing.RunsFiltered;
                async Task<string> Add()
                {
                    if (filtered)
                    {
                        await CreateRunAsync("workflow//noise");
                        var started = await CreateStartedRunAsync("workflow//paged");
                        await CreateRunAsync("workflow//paged");
                        return started.RunId;
                    }

                    return (await CreateRunAsync()).RunId;
                }

                for (var i = 0; i < count; i++)
                {
                    keys.Add(await Add());
                    Clock.Advance(TimeSpan.FromMilliseconds(1));
                }

                var query = filtered ? new RunQuery { WorkflowName = "workflow//paged", Statuses = [RunStatus.Running] } : new RunQuery();
                return new SeededListing(
                    keys,
                    async p => Keys(await World.Runs.ListAsync(query with { Page = p }, Cancellation), r => r.RunId),
                    Add);
            }

            case Listing.Steps:
            {
                var run = await CreateStartedRunAsync();
                async Task<string> Add() => (await CreateStepAsync(run.RunId)).StepId;
                for (var i = 0; i < count; i++)
                {
                    keys.Add(await Add());
                }

                return new SeededListing(keys, async p => Keys(await World.Steps.ListAsync(new StepQuery(run.RunId) { Page = p }, Cancellation), s => s.StepId), Add);
            }

            default:
            {
                var ofRun = listing == Listing.HooksOfRun;
                var run = await CreateStartedRunAsync();
                var other = await CreateStartedRunAsync();
                var turn = 0;
                async Task<string> Add()
                {
                    // Across runs, alternate owners; for one run, add noise to another run. Hooks of different runs
                    // created in the same millisecond have no defined order, so each gets its own millisecond.
                    Clock.Advance(TimeSpan.FromMilliseconds(1));
                    var owner = ofRun || turn++ % 2 == 0 ? run : other;
                    if (ofRun)
                    {
                        await CreateHookAsync(other.RunId);
                    }

                    return (await CreateHookAsync(owner.RunId)).HookId;
                }

                for (var i = 0; i < count; i++)
                {
                    keys.Add(await Add());
                }

                var query = ofRun ? new HookQuery { RunId = run.RunId } : new HookQuery();
                return new SeededListing(keys, async p => Keys(await World.Hooks.ListAsync(query with { Page = p }, Cancellation), h => h.HookId), Add);
            }
        }
    }

    private async Task<KeyPage> ListEvents(string runId, string? correlationId, PageRequest page) =>
        Keys(await World.Events.ListAsync(new EventQuery(runId) { CorrelationId = correlationId, Page = page }, Cancellation), e => e.EventId);
}
