using Npgsql;

namespace World.Postgres.Tests.Chaos;

/// <summary>How to start a chaos worker process: which workflows its code version knows, and its runtime settings.</summary>
internal sealed record WorkerSpec
{
    /// <summary>The load workflow only (the code version every scenario runs).</summary>
    public static WorkerSpec Default { get; } = new();

    /// <summary>Workflow names the worker registers (see the worker's Program.cs).</summary>
    public IReadOnlyList<string> Workflows { get; init; } = ["chaos-steps"];

    public int Concurrency { get; init; } = 8;

    public int MaxDeliveries { get; init; } = 10;

    /// <summary>Whether the worker announces every World span it ends (<see cref="WorkerProcess.Spans"/>).</summary>
    public bool Trace { get; init; }

    /// <summary>Changes to the worker's connection string (pool size, timeouts).</summary>
    public Action<NpgsqlConnectionStringBuilder>? Connection { get; init; }
}
