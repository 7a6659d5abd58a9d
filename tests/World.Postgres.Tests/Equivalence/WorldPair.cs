using System.Globalization;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using World.InMemory;

namespace World.Postgres.Tests.Equivalence;

/// <summary>
/// The in-memory and the PostgreSQL World side by side, each on its own fake clock set to the same time, and the
/// outcome of an operation reduced to what both must agree on: the result's shape (types, statuses, counts, payloads)
/// or the error's type, code, status and field. Minted ids (event ids, message ids) are random and left out.
/// </summary>
internal sealed class WorldPair : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 1, 15, 9, 0, 0, TimeSpan.Zero);

    private WorldPair(IWorld memory, IWorld postgres, FakeTimeProvider memoryClock, FakeTimeProvider postgresClock)
    {
        Memory = memory;
        Postgres = postgres;
        MemoryClock = memoryClock;
        PostgresClock = postgresClock;
    }

    public IWorld Memory { get; }

    public IWorld Postgres { get; }

    public FakeTimeProvider MemoryClock { get; }

    public FakeTimeProvider PostgresClock { get; }

    public static async Task<WorldPair> CreateAsync(PostgresFixture postgres, CancellationToken cancellationToken)
    {
        var memoryClock = new FakeTimeProvider(Start);
        var postgresClock = new FakeTimeProvider(Start);
        var memory = new InMemoryWorld(timeProvider: memoryClock);
        var database = postgres.CreateWorld(postgresClock);
        await memory.StartAsync(cancellationToken);
        await database.StartAsync(cancellationToken);
        return new WorldPair(memory, database, memoryClock, postgresClock);
    }

    public void Advance(TimeSpan by)
    {
        MemoryClock.Advance(by);
        PostgresClock.Advance(by);
    }

    /// <summary>Runs one operation on both Worlds and returns both outcomes.</summary>
    public async Task<(string Memory, string Postgres)> RunAsync(Func<IWorld, Task<object?>> operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return (await OutcomeAsync(Memory, operation), await OutcomeAsync(Postgres, operation));
    }

    public async ValueTask DisposeAsync()
    {
        await Memory.DisposeAsync();
        await Postgres.DisposeAsync();
    }

    private static async Task<string> OutcomeAsync(IWorld world, Func<IWorld, Task<object?>> operation)
    {
        try
        {
            return "ok " + Describe(await operation(world));
        }
        catch (WorldException error)
        {
            var field = error is WorldValidationException invalid ? invalid.Field : null;
            return $"error {error.GetType().Name} {error.Code} {error.Status} {field}";
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // Not a WorldException: bad input escaped as something else. Reported, so that the comparison shows it.
            return $"ESCAPED {error.GetType().Name}: {error.Message}";
        }
    }

    public static string Describe(object? value) => value switch
    {
        null => "null",
        EventResult r => $"event={r.Event?.EventType} data={Describe(r.Event?.Data)} run={Describe(r.Run)} step={Describe(r.Step)} hook={Describe(r.Hook)} wait={r.Wait?.Status} log={r.Events?.Count}",
        WorkflowRun run => $"[{run.Status} {run.WorkflowName} {Hex(run.Input)} {Hex(run.Output)} {run.Error?.Message} attrs={string.Join(',', run.Attributes.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value))}]",
        Step step => $"[{step.StepName} {step.Status} {step.Attempt} {Hex(step.Input)} {Hex(step.Output)} {step.Error?.Message}]",
        Hook hook => $"[{hook.HookId} {hook.Token} {Hex(hook.Metadata)}]",
        EventData data => data.GetType().Name,
        WorldEvent e => $"{e.EventType}/{e.CorrelationId}",
        Page<WorldEvent> page => $"page {page.HasMore} {string.Join(' ', page.Data.Select(Describe))}",
        Page<WorkflowRun> page => $"page {page.HasMore} {string.Join(' ', page.Data.Select(Describe))}",
        Page<Step> page => $"page {page.HasMore} {string.Join(' ', page.Data.Select(Describe))}",
        Page<Hook> page => $"page {page.HasMore} {string.Join(' ', page.Data.Select(Describe))}",
        Page<DeadLetter> page => $"page {page.HasMore} {string.Join(' ', page.Data.Select(d => d.QueueName + ":" + d.Reason.Message))}",
        IReadOnlyList<RunCreationResult> results => string.Join(' ', results.Select(r => r.Error is null ? Describe(r.Result!.Run) : r.Error.Code)),
        EnqueueResult enqueued => $"enqueued duplicate={enqueued.Duplicate}",
        IReadOnlyList<EnqueueResult> batch => "batch " + string.Join(',', batch.Select(b => b.Duplicate)),
        IReadOnlyList<QueueMessage> messages => "claimed " + string.Join(' ', messages.Select(m => $"{m.QueueName}:{Encoding.UTF8.GetString(m.Payload.Span)}:{m.Attempt}/{m.Failures}")),
        IReadOnlyList<WorkflowRun?> runs => string.Join(' ', runs.Select(Describe)),
        IReadOnlyList<string> names => string.Join(',', names),
        bool flag => flag.ToString(CultureInfo.InvariantCulture),
        int number => number.ToString(CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Hex(ReadOnlyMemory<byte>? bytes) => bytes is { } b ? Convert.ToHexString(b.Span) : "-";
}
