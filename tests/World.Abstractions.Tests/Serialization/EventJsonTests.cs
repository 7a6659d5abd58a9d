using System.Text.Json;
using World.Serialization;

namespace World.Abstractions.Tests.Serialization;

/// <summary>Every event type round-trips through System.Text.Json with the <c>eventType</c> discriminator.</summary>
public sealed class EventJsonTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly byte[] Binary = [0, 255, 0xC3, 0x28, 10, 0];

    public static TheoryData<EventData, string> AllEvents() => new()
    {
        { new RunCreated("dpl", "wf", Binary) { ExecutionContext = new Dictionary<string, string> { ["trace"] = "t" }, Attributes = new Dictionary<string, string> { ["a"] = "b" } }, "run_created" },
        { new RunStarted(), "run_started" },
        { new RunStarted { DeploymentId = "dpl", WorkflowName = "wf", Input = Binary }, "run_started" },
        { new RunCompleted(Binary), "run_completed" },
        { new RunCompleted(), "run_completed" },
        { new RunFailed(new StructuredError("m", "s", "c"), "USER_ERROR"), "run_failed" },
        { new RunCancelled("why"), "run_cancelled" },
        { new AttrSet([new AttributeChange("k", "v"), new AttributeChange("gone", null)], new AttributeWriter("step", "step_1", 2)), "attr_set" },
        { new StepCreated("s", Binary) { WorkflowName = "wf" }, "step_created" },
        { new StepStarted { Attempt = 2, StepName = "s" }, "step_started" },
        { new StepCompleted(Binary), "step_completed" },
        { new StepFailed(new StructuredError("m")), "step_failed" },
        { new StepRetrying(new StructuredError("m"), At.AddSeconds(5)), "step_retrying" },
        { new HookCreated("tok", Binary) { IsWebhook = false }, "hook_created" },
        { new HookReceived(Binary, "tok"), "hook_received" },
        { new HookDisposed(), "hook_disposed" },
        { new HookConflict("tok", "wrun_x"), "hook_conflict" },
        { new WaitCreated(At), "wait_created" },
        { new WaitCompleted(At), "wait_completed" },
    };

    [Theory]
    [MemberData(nameof(AllEvents))]
    public void Event_data_round_trips_with_the_eventType_discriminator(EventData data, string wireName)
    {
        var json = JsonSerializer.Serialize(data, WorldJson.Options);
        using (var document = JsonDocument.Parse(json))
        {
            Assert.Equal(wireName, document.RootElement.GetProperty("eventType").GetString());
        }

        var back = JsonSerializer.Deserialize<EventData>(json, WorldJson.Options)!;
        Assert.Equal(data.GetType(), back.GetType());
        Assert.Equal(data.EventType, back.EventType);
        Assert.Equal(wireName, back.EventType.ToWireName());
        Assert.Equal(json, JsonSerializer.Serialize(back, WorldJson.Options));
    }

    [Fact]
    public void Binary_payloads_survive_json_bit_exactly()
    {
        var json = JsonSerializer.Serialize<EventData>(new StepCompleted(Binary), WorldJson.Options);
        var back = Assert.IsType<StepCompleted>(JsonSerializer.Deserialize<EventData>(json, WorldJson.Options));
        Assert.Equal(Binary, back.Result!.Value.ToArray());
    }

    [Fact]
    public void A_whole_event_round_trips_and_names_its_type()
    {
        var worldEvent = new WorldEvent
        {
            RunId = "wrun_x",
            EventId = "evnt_y",
            CorrelationId = "step_1",
            Data = new StepCreated("s", Binary),
            CreatedAt = At,
            SpecVersion = 4,
        };
        var json = JsonSerializer.Serialize(worldEvent, WorldJson.Options);
        Assert.Contains("\"eventType\":\"step_created\"", json, StringComparison.Ordinal);
        var back = JsonSerializer.Deserialize<WorldEvent>(json, WorldJson.Options)!;
        Assert.Equal(worldEvent.EventId, back.EventId);
        Assert.Equal(worldEvent.CreatedAt, back.CreatedAt);
        Assert.Equal(EventType.StepCreated, back.EventType);
        Assert.Equal(Binary, ((StepCreated)back.Data).Input!.Value.ToArray());
    }

    [Fact]
    public void Unknown_event_types_are_refused()
    {
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<EventData>("""{"eventType":"run_exploded"}""", WorldJson.Options));
    }

    [Fact]
    public void Statuses_use_the_contract_wire_names()
    {
        Assert.Equal("\"pending\"", JsonSerializer.Serialize(RunStatus.Pending, WorldJson.Options));
        Assert.Equal("\"step_retrying\"", JsonSerializer.Serialize(EventType.StepRetrying, WorldJson.Options));
    }

    [Fact]
    public void Every_event_type_has_a_wire_name_and_a_data_type()
    {
        var covered = AllEvents().Select(row => row.Data.Item1.EventType).ToHashSet();
        foreach (var type in Enum.GetValues<EventType>())
        {
            Assert.Contains(type, covered);
            Assert.True(EventTypeNames.TryParse(type.ToWireName(), out var parsed));
            Assert.Equal(type, parsed);
        }
    }
}
