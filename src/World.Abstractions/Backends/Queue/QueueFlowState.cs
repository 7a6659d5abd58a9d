using System.Diagnostics.CodeAnalysis;
namespace World.Backends;

/// <summary>
/// What a backend reads about a queue's flow control for <see cref="DispatchRules.Explain(QueueMessageState?, IReadOnlyCollection{QueueConsumer}, QueueFlowState?, DateTimeOffset)"/>.
/// </summary>
/// <param name="Policy">The queue's policy.</param>
/// <param name="Leased">Messages of the queue leased now (lapsed leases not yet reclaimed count: they hold their slot until a claim reclaims them).</param>
/// <param name="LeasedWithKey">Of those, the ones with the explained message's concurrency key (0 without a key).</param>
/// <param name="Tokens">The rate limit's tokens as of now (<see cref="FlowRules.Refill"/>); ignored without a rate limit.</param>
[Experimental(BackendApi.DiagnosticId, Message = BackendApi.Message)]
public sealed record QueueFlowState(QueuePolicy Policy, long Leased, long LeasedWithKey, double Tokens);
