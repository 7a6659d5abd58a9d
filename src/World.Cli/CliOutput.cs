using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace World.Cli;

/// <summary>Writes results as tables for people or, with <c>--json</c>, as one JSON document for scripts.</summary>
internal sealed class CliOutput
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
    };

    private readonly TextWriter _out;
    private readonly IAnsiConsole _console;

    public CliOutput(bool json, TextWriter output)
    {
        Json = json;
        _out = output;
        _console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.Detect,
            ColorSystem = ColorSystemSupport.Detect,
        });

        // Redirected output has no terminal width; keep ids whole instead of wrapping at 80 columns.
        if (Console.IsOutputRedirected)
        {
            _console.Profile.Width = 240;
        }
    }

    public bool Json { get; }

    public void WriteJson<T>(T value) => _out.WriteLine(JsonSerializer.Serialize(value, JsonOptions));

    public void Line(string text) => _console.Write(new Text(text + Environment.NewLine));

    public void Heading(string text) => _console.Write(new Text(text + Environment.NewLine, new Style(decoration: Decoration.Bold)));

    public void Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string?>> rows)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var header in headers)
        {
            table.AddColumn(new TableColumn(new Text(header, new Style(decoration: Decoration.Bold))));
        }

        foreach (var row in rows)
        {
            table.AddRow(row.Select(static cell => (IRenderable)new Text(cell ?? "-")).ToArray());
        }

        _console.Write(table);
    }

    public void Properties(IEnumerable<(string Name, string? Value)> properties) =>
        Table(["Property", "Value"], properties.Select(static property => (IReadOnlyList<string?>)[property.Name, property.Value]));

    public void Tree(RunTreeNode root)
    {
        var tree = new Tree(Label(root));
        Add(tree, root);
        _console.Write(tree);

        static void Add(IHasTreeNodes parent, RunTreeNode node)
        {
            foreach (var child in node.Children)
            {
                Add(parent.AddNode(Label(child)), child);
            }

            if (node.Truncated)
            {
                parent.AddNode(new Text("… more children not shown"));
            }
        }

        static Text Label(RunTreeNode node) => new($"{node.Run.RunId}  {node.Run.WorkflowName}  {Format.Status(node.Run.Status)}");
    }

    public static string Time(DateTimeOffset? time) => time?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) ?? "-";

    public static string Age(TimeSpan age) => age <= TimeSpan.Zero
        ? "0s"
        : age.TotalDays >= 1 ? $"{(int)age.TotalDays}d{age.Hours}h"
        : age.TotalHours >= 1 ? $"{(int)age.TotalHours}h{age.Minutes}m"
        : age.TotalMinutes >= 1 ? $"{(int)age.TotalMinutes}m{age.Seconds}s"
        : string.Create(CultureInfo.InvariantCulture, $"{age.TotalSeconds:0.#}s");

    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
