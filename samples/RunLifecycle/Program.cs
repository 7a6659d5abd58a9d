// The life of one workflow run on the in-memory World, driven through the event log directly:
// create the run, start it, run two steps (one of them retried), wait on a hook for an approval,
// complete the run, then print the log that every entity is a projection of.
using System.Text;
using World;
using World.InMemory;

await using var world = new InMemoryWorld();
await world.StartAsync();

static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);

var created = await world.Events.CreateAsync(null, new EventRequest(
    new RunCreated("dpl_sample", "workflow//orders//processOrder", Bytes("""{"orderId":42}"""))));
var runId = created.Run!.RunId;
Console.WriteLine($"created   {runId} ({created.Run.Status})");

await world.Events.CreateAsync(runId, new EventRequest(new RunStarted()));

// Step 1: charge the card; the first attempt fails and is retried.
var charge = WorldIds.New(IdPrefixes.Step, DateTimeOffset.UtcNow);
await world.Events.CreateAsync(runId, new EventRequest(new StepCreated("step//orders//chargeCard", Bytes("42")), charge));
await world.Events.CreateAsync(runId, new EventRequest(new StepStarted(), charge));
await world.Events.CreateAsync(runId, new EventRequest(new StepRetrying(new StructuredError("card network timeout")), charge));
await world.Events.CreateAsync(runId, new EventRequest(new StepStarted(), charge));
var charged = await world.Events.CreateAsync(runId, new EventRequest(new StepCompleted(Bytes("""{"chargeId":"ch_1"}""")), charge));
Console.WriteLine($"step      {charged.Step!.StepName}: {charged.Step.Status} after {charged.Step.Attempt} attempts");

// An approval hook: an outside caller finds it by token and delivers a payload.
var approval = WorldIds.New(IdPrefixes.Hook, DateTimeOffset.UtcNow);
var token = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
await world.Events.CreateAsync(runId, new EventRequest(new HookCreated(token, Bytes("manager approval")), approval));
var hook = await world.Hooks.GetByTokenAsync(token);
await world.Events.CreateAsync(hook.RunId, new EventRequest(new HookReceived(Bytes("""{"approved":true}""")), hook.HookId));
Console.WriteLine($"hook      {hook.HookId} received an approval");

// Step 2: ship.
var ship = WorldIds.New(IdPrefixes.Step, DateTimeOffset.UtcNow);
await world.Events.CreateAsync(runId, new EventRequest(new StepCreated("step//orders//ship", Bytes("42")), ship));
await world.Events.CreateAsync(runId, new EventRequest(new StepStarted(), ship));
await world.Events.CreateAsync(runId, new EventRequest(new StepCompleted(Bytes("""{"tracking":"1Z999"}""")), ship));

var completed = await world.Events.CreateAsync(runId, new EventRequest(new RunCompleted(Bytes("""{"status":"shipped"}"""))));
Console.WriteLine($"completed {runId} ({completed.Run!.Status}); the run's hooks were released: " +
    $"{(await world.Hooks.ListAsync(new HookQuery { RunId = runId })).Data.Count} left");

Console.WriteLine();
Console.WriteLine("event log:");
var page = await world.Events.ListAsync(new EventQuery(runId));
foreach (var e in page.Data)
{
    Console.WriteLine($"  {e.EventId}  {e.EventType.ToWireName(),-15} {e.CorrelationId}");
}
