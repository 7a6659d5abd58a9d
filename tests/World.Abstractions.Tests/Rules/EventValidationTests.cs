using World.Backends;

namespace World.Abstractions.Tests.Rules;

/// <summary>Stateless validation: bad input is a typed <see cref="WorldException"/>, never a framework exception.</summary>
public sealed class EventValidationTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly ReadOnlyMemory<byte> Payload = new byte[] { 1 };
    private readonly EventRules _rules = new(new EventRulesOptions { MaxPayloadBytes = 16 });
    private readonly string _runId = WorldIds.NewRunId(Now);

    public static TheoryData<string?, string> UnsafeIds() => new()
    {
        { null, "runId" },
        { "", "runId" },
        { "wrun_../../etc", "runId" },
        { "wrun_a/b", "runId" },
        { "wrun_a\\b", "runId" },
        { "wrun_a\0b", "runId" },
        { "wrun_a.b", "runId" },
        { "wrun_a b", "runId" },
        { "wrun_a'b", "runId" },
        { new string('a', IdValidation.MaxIdLength + 1), "runId" },
    };

    [Theory]
    [MemberData(nameof(UnsafeIds))]
    public void Unsafe_or_missing_run_ids_are_validation_errors(string? runId, string field)
    {
        var error = Assert.Throws<WorldValidationException>(() => _rules.Prepare(runId, new EventRequest(new RunStarted()), Now));
        Assert.Equal(field, error.Field);
        Assert.Equal(WorldErrorCodes.Validation, error.Code);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("step/1")]
    [InlineData("step.1")]
    [InlineData("step\n1")]
    public void Step_events_need_a_safe_correlation_id(string? correlationId)
    {
        var error = Assert.Throws<WorldValidationException>(() => _rules.Prepare(_runId, new EventRequest(new StepCreated("s", Payload), correlationId), Now));
        Assert.Equal("correlationId", error.Field);
    }

    [Fact]
    public void Run_events_refuse_a_correlation_id()
    {
        var error = Assert.Throws<WorldValidationException>(() => _rules.Prepare(_runId, new EventRequest(new RunCompleted(), "step_1"), Now));
        Assert.Equal("correlationId", error.Field);
    }

    [Fact]
    public void A_null_request_or_data_is_a_validation_error()
    {
        Assert.Throws<WorldValidationException>(() => _rules.Prepare(_runId, null, Now));
        Assert.Throws<WorldValidationException>(() => _rules.Prepare(_runId, new EventRequest(null!), Now));
    }

    public static TheoryData<EventData, string?, string> MissingRequiredFields() => new()
    {
        { new RunCreated("", "wf", Payload), null, "deploymentId" },
        { new RunCreated("dpl", "", Payload), null, "workflowName" },
        { new RunCreated("dpl", "wf", null), null, "input" },
        { new RunCreated("dpl", "wf\u0001", Payload), null, "workflowName" },
        { new RunFailed(null), null, "error" },
        { new RunFailed(new StructuredError(null!)), null, "error" },
        { new StepCreated("", Payload), "step_1", "stepName" },
        { new StepCreated("s", null), "step_1", "input" },
        { new StepCompleted(null), "step_1", "result" },
        { new StepFailed(null), "step_1", "error" },
        { new StepRetrying(null), "step_1", "error" },
        { new HookCreated(""), "hook_1", "token" },
        { new HookReceived(null), "hook_1", "payload" },
        { new RunCancelled(new string('x', 513)), null, "cancelReason" },
        { new HookConflict("t", "wrun_x"), "hook_1", "eventType" },
    };

    [Theory]
    [MemberData(nameof(MissingRequiredFields))]
    public void Missing_or_invalid_fields_are_named_in_the_error(EventData data, string? correlationId, string field)
    {
        var runId = data is RunCreated ? null : _runId;
        var error = Assert.Throws<WorldValidationException>(() => _rules.Prepare(runId, new EventRequest(data, correlationId), Now));
        Assert.Equal(field, error.Field);
        Assert.Equal(400, error.Status);
    }

    [Fact]
    public void Empty_payloads_are_allowed()
    {
        _rules.Prepare(null, new EventRequest(new RunCreated("dpl", "wf", ReadOnlyMemory<byte>.Empty)), Now);
        _rules.Prepare(_runId, new EventRequest(new StepCompleted(ReadOnlyMemory<byte>.Empty), "step_1"), Now);
    }

    public static TheoryData<EventData, string?> Oversized() => new()
    {
        { new RunCreated("dpl", "wf", new byte[17]), null },
        { new RunCompleted(new byte[17]), null },
        { new StepCreated("s", new byte[17]), "step_1" },
        { new StepCompleted(new byte[17]), "step_1" },
        { new HookCreated("t", new byte[17]), "hook_1" },
        { new HookReceived(new byte[17]), "hook_1" },
        { new RunFailed(new StructuredError(new string('x', 9))), null },
    };

    [Theory]
    [MemberData(nameof(Oversized))]
    public void Oversized_payloads_are_rejected_with_413(EventData data, string? correlationId)
    {
        var runId = data is RunCreated ? null : _runId;
        var error = Assert.Throws<PayloadTooLargeException>(() => _rules.Prepare(runId, new EventRequest(data, correlationId), Now));
        Assert.Equal(413, error.Status);
        Assert.Equal(16, error.MaxBytes);
    }

    public static TheoryData<IReadOnlyList<AttributeChange>, bool> AttributeChangeSets() => new()
    {
        { [new AttributeChange("", "v")], false },
        { [new AttributeChange(new string('k', 257), "v")], false },
        { [new AttributeChange("k", new string('v', 257))], false },
        { [new AttributeChange("k", new string('é', 129))], false },
        { [new AttributeChange("k", "1"), new AttributeChange("k", "2")], false },
        { [new AttributeChange("$parentRunId", "wrun_x")], false },
        { [], false },
        { Enumerable.Range(0, 40).Select(i => new AttributeChange($"key{i:D3}" + new string('k', 100), new string('v', 120))).ToArray(), false },
        { [new AttributeChange("k", new string('v', 256))], true },
        { [new AttributeChange("k", null)], true },
    };

    [Theory]
    [MemberData(nameof(AttributeChangeSets))]
    public void Attribute_change_sets_are_validated(IReadOnlyList<AttributeChange> changes, bool valid)
    {
        var prepare = () => _rules.Prepare(_runId, new EventRequest(new AttrSet(changes, AttributeWriter.Workflow)), Now);
        if (valid)
        {
            prepare();
        }
        else
        {
            Assert.Equal(WorldErrorCodes.AttributeValidation, Assert.Throws<AttributeValidationException>(prepare).Code);
        }
    }

    [Fact]
    public void Reserved_attribute_keys_need_explicit_permission()
    {
        var changes = new[] { new AttributeChange("$parentRunId", "wrun_x") };
        _rules.Prepare(_runId, new EventRequest(new AttrSet(changes, AttributeWriter.Workflow) { AllowReservedAttributes = true }), Now);
        Assert.Throws<AttributeValidationException>(() => _rules.Prepare(null, new EventRequest(
            new RunCreated("dpl", "wf", Payload) { Attributes = new Dictionary<string, string> { ["$rootRunId"] = "x" } }), Now));
    }
}
