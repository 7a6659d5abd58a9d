namespace World.Postgres.Tests.Chaos;

/// <summary>One fault the test injected: what, from when, until when (null while it lasts).</summary>
internal sealed class InjectedFault(string description, DateTimeOffset start)
{
    public string Description { get; } = description;

    public DateTimeOffset Start { get; } = start;

    public DateTimeOffset? End { get; set; }

    public override string ToString() => $"{Description} [{Start:HH:mm:ss.fff}–{(End is { } end ? end.ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture) : "…")}]";
}
