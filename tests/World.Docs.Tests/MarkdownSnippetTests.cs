using System.Text.RegularExpressions;

namespace World.Docs.Tests;

/// <summary>
/// Every ```csharp block of the repository's documentation must appear, line for line (indentation and blank lines
/// aside), in a C# file of this project, where it is compiled; its using directives and assembly attributes may stand
/// anywhere in that file, since C# wants them at its top. A block that cannot be plain C# (an outline with
/// placeholders) says so with <c>&lt;!-- snippet: not compiled (reason) --&gt;</c> on the line before it.
/// </summary>
public sealed partial class MarkdownSnippetTests
{
    private const string NotCompiledMarker = "<!-- snippet: not compiled (";

    /// <summary>The documents whose C# blocks are compiled; src/World.Testing/README.md is that package's readme.</summary>
    public static TheoryData<string> Documents() =>
    [
        "README.md",
        .. Directory.GetFiles(Path.Combine(RepositoryRoot, "docs"), "*.md").Select(path => Path.GetRelativePath(RepositoryRoot, path)).Order(StringComparer.Ordinal),
        "src/World.Testing/README.md",
    ];

    private static string RepositoryRoot { get; } = FindRepositoryRoot();

    [Theory]
    [MemberData(nameof(Documents))]
    public void Every_csharp_block_is_compiled_in_this_project(string document)
    {
        var sources = Directory.GetFiles(Path.Combine(RepositoryRoot, "tests", "World.Docs.Tests"), "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(path => Normalize(File.ReadAllText(path)))
            .ToArray();

        var missing = new List<string>();
        foreach (var block in CSharpBlocks(File.ReadAllText(Path.Combine(RepositoryRoot, document))))
        {
            if (block.NotCompiledReason is not null)
            {
                Assert.False(string.IsNullOrWhiteSpace(block.NotCompiledReason), $"{document}:{block.Line}: a block left uncompiled must say why.");
                continue;
            }

            var lines = Normalize(block.Code);
            var hoisted = lines.Where(IsHoisted).ToArray();
            var body = lines.Where(line => !IsHoisted(line)).ToArray();
            if (!sources.Any(source => hoisted.All(source.Contains) && ContainsRun(source, body)))
            {
                missing.Add($"{document}:{block.Line}: the ```csharp block is in no file of tests/World.Docs.Tests:{Environment.NewLine}{block.Code}");
            }
        }

        Assert.True(missing.Count == 0, string.Join(Environment.NewLine + Environment.NewLine, missing));
    }

    [Fact]
    public void Blocks_are_found_with_their_markers()
    {
        const string markdown = "text\n```csharp\nvar a = 1;\n```\n<!-- snippet: not compiled (an outline) -->\n```csharp\nvar b = ;\n```\n```sh\nls\n```\n";

        var blocks = CSharpBlocks(markdown).ToArray();

        Assert.Equal(2, blocks.Length);
        Assert.Equal(("var a = 1;", (string?)null, 2), (blocks[0].Code, blocks[0].NotCompiledReason, blocks[0].Line));
        Assert.Equal(("var b = ;", "an outline"), (blocks[1].Code, blocks[1].NotCompiledReason));
        Assert.True(ContainsRun(Normalize("class C\n{\n    void M()\n    {\n        var a = 1;\n\n        var b = 2;\n    }\n}"), Normalize("var a = 1;\nvar b = 2;")));
        Assert.False(ContainsRun(Normalize("var a = 1;\nvar c = 3;\nvar b = 2;"), Normalize("var a = 1;\nvar b = 2;")));
        Assert.True(IsHoisted("using World.Testing;") && IsHoisted("[assembly: AssemblyFixture(typeof(F))]"));
        Assert.False(IsHoisted("using var world = new InMemoryWorld();") || IsHoisted("using (var a = b) { }"));
    }

    private static IEnumerable<(string Code, string? NotCompiledReason, int Line)> CSharpBlocks(string markdown)
    {
        var lines = markdown.ReplaceLineEndings("\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim() != "```csharp")
            {
                continue;
            }

            var start = i + 1;
            var end = start;
            while (end < lines.Length && lines[end].Trim() != "```")
            {
                end++;
            }

            string? reason = null;
            if (i > 0 && lines[i - 1].TrimStart().StartsWith(NotCompiledMarker, StringComparison.Ordinal))
            {
                var marker = MarkerReason().Match(lines[i - 1]);
                reason = marker.Success ? marker.Groups["reason"].Value : "";
            }

            yield return (string.Join('\n', lines[start..end]), reason, i + 1);
            i = end;
        }
    }

    // Indentation differs between a document and the method a fragment is compiled in; blank lines carry no code.
    private static string[] Normalize(string code) => code.ReplaceLineEndings("\n").Split('\n')
        .Select(line => line.Trim())
        .Where(line => line.Length > 0)
        .ToArray();

    // A using directive (not a using statement or declaration) or an assembly attribute: C# puts these at the top of a
    // file, before the namespace a compiled snippet lives in.
    private static bool IsHoisted(string line) => UsingDirective().IsMatch(line) || line.StartsWith("[assembly:", StringComparison.Ordinal);

    private static bool ContainsRun(string[] source, string[] run)
    {
        for (var start = 0; start + run.Length <= source.Length; start++)
        {
            if (source.AsSpan(start, run.Length).SequenceEqual(run))
            {
                return true;
            }
        }

        return false;
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "World.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No World.sln above {AppContext.BaseDirectory}; the docs tests read the repository's markdown.");
    }

    [GeneratedRegex(@"^(global )?using (static )?[A-Za-z_][\w.]*;$")]
    private static partial Regex UsingDirective();

    [GeneratedRegex(@"<!-- snippet: not compiled \((?<reason>.*)\) -->")]
    private static partial Regex MarkerReason();
}
