using World.Docs.Tests.Snippets;

namespace World.Docs.Tests;

/// <summary>The snippets that run cheaply on the in-memory World, run: they must do what the text around them says.</summary>
public sealed class SnippetRunTests
{
    [Fact]
    public async Task The_readme_direct_use_writes_a_run_its_start_and_a_step_to_the_log()
    {
        var page = await ReadmeSnippets.DirectlyAsync("[]"u8.ToArray(), "[1]"u8.ToArray(), WorldIds.New(IdPrefixes.Step, DateTimeOffset.UtcNow));

        Assert.Equal([EventType.RunCreated, EventType.RunStarted, EventType.StepCreated], page.Data.Select(e => e.EventType));
    }
}
