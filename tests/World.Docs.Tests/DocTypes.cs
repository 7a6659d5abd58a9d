using World.Runtime;

namespace World.Docs.Tests;

// The application types the documentation's snippets assume. Kept minimal: the snippets, not these, are under test.

public sealed record Order(string OrderId, string Customer, decimal Total);

public sealed record Receipt(string OrderId, string ReservationId, string ChargeId, string ApprovedBy, string TrackingNumber);

public sealed record Approval(bool Approved, string Reviewer);

public sealed record Progress(string Stage, string Detail);

public sealed record Payment(decimal Amount);

public sealed record Shipment(string OrderId);

public sealed record Tracking(string Number);

public sealed class Inventory
{
    public Task<string> ReserveAsync(Order order, CancellationToken cancellationToken) => Task.FromResult($"res_{order.OrderId}");
}

public sealed class PaymentGateway
{
    public Task<string> ChargeAsync(Order order, CancellationToken cancellationToken) => Task.FromResult($"ch_{order.OrderId}");
}

public sealed class Shipping
{
    public Task<string> ShipAsync(Order order) => Task.FromResult($"1Z{order.OrderId}");
}

public sealed class ShipmentWorkflow : IWorkflow<Shipment, Tracking>
{
    public Task<Tracking> RunAsync(IWorkflowContext context, Shipment input) => Task.FromResult(new Tracking($"1Z{input.OrderId}"));
}

/// <summary>The backend the kit snippets enrol: "your World", here the in-memory one behind a type of its own.</summary>
public sealed class MyWorld(MyWorldOptions options, TimeProvider timeProvider) : IWorld
{
    private readonly InMemory.InMemoryWorld _inner = new(timeProvider: timeProvider);

    public MyWorldOptions Options { get; } = options;

    public IRunStore Runs => _inner.Runs;

    public IStepStore Steps => _inner.Steps;

    public ISchedules Schedules => _inner.Schedules;

    public IEventStore Events => _inner.Events;

    public IHookStore Hooks => _inner.Hooks;

    public IWorldQueue Queue => _inner.Queue;

    public IWorldStreams Streams => _inner.Streams;

    public WorldCapabilities Capabilities => _inner.Capabilities;

    public Task StartAsync(CancellationToken cancellationToken = default) => _inner.StartAsync(cancellationToken);

    public ValueTask DisposeAsync() => _inner.DisposeAsync();
}

public sealed class MyWorldOptions
{
    public string? Schema { get; init; }
}

/// <summary>The kit readme's shared resource: an assembly fixture handing out fresh schema names.</summary>
public sealed class MyServerFixture
{
    private int _next;

    public string NewSchema() => $"s{Interlocked.Increment(ref _next)}";
}
