using System.Text;
using System.Text.Json;
using World.Postgres.Storage;
using World.Serialization;

namespace World.Postgres.Tests.Storage;

/// <summary>The split of events into stored data and payload columns loses nothing, for every event type.</summary>
public sealed class EventPayloadsTests
{
    public static TheoryData<string> EventTypes() => [.. Samples().Keys];

    [Theory]
    [MemberData(nameof(EventTypes))]
    public void Splitting_and_joining_an_event_restores_it(string eventType)
    {
        var data = Samples()[eventType];

        var stored = EventPayloads.DeserializeData(EventPayloads.SerializeData(data));
        var restored = EventPayloads.Attach(stored, EventPayloads.Extract(data));

        Assert.Equal(eventType, restored.EventType.ToWireName());
        Assert.Equal(JsonSerializer.Serialize(data, WorldJson.Options), JsonSerializer.Serialize(restored, WorldJson.Options));
    }

    [Theory]
    [MemberData(nameof(EventTypes))]
    public void Stored_data_holds_no_payload(string eventType)
    {
        var data = Samples()[eventType];
        var stored = EventPayloads.DeserializeData(EventPayloads.SerializeData(data));
        Assert.Equal(JsonSerializer.Serialize(data.WithoutPayload(), WorldJson.Options), JsonSerializer.Serialize(stored, WorldJson.Options));
    }

    [Fact]
    public void Every_event_type_has_a_sample()
    {
        Assert.Equal(Enum.GetValues<EventType>().Select(t => t.ToWireName()).Order(), Samples().Keys.Order());
    }

    [Fact]
    public void An_empty_payload_stays_empty_and_an_absent_one_absent()
    {
        Assert.Equal(0, EventPayloads.Extract(new StepCompleted(ReadOnlyMemory<byte>.Empty))!.Value.Length);
        Assert.Null(EventPayloads.Extract(new RunStarted()));
    }

    private static Dictionary<string, EventData> Samples()
    {
        var bytes = Encoding.UTF8.GetBytes("pay\0load");
        var error = new StructuredError("boom", "at x", "E1");
        EventData[] samples =
        [
            new RunCreated("dpl", "wf", bytes) { Attributes = new Dictionary<string, string> { ["a"] = "b" }, ExecutionContext = new Dictionary<string, string> { ["trace"] = "t" } },
            new RunStarted { Input = bytes, DeploymentId = "dpl", WorkflowName = "wf" },
            new RunCompleted(bytes),
            new RunFailed(error, "E2"),
            new RunCancelled("stop"),
            new AttrSet([new AttributeChange("k", "v")], AttributeWriter.Workflow),
            new StepCreated("step", bytes) { WorkflowName = "wf" },
            new StepStarted(),
            new StepCompleted(bytes),
            new StepFailed(error),
            new StepRetrying(error, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)) { StepName = "step" },
            new HookCreated("token", bytes) { IsWebhook = false },
            new HookReceived(bytes),
            new HookDisposed(),
            new HookConflict("token", "wrun_other"),
            new WaitCreated(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)),
            new WaitCompleted(),
        ];
        return samples.ToDictionary(static data => data.EventType.ToWireName(), StringComparer.Ordinal);
    }
}
