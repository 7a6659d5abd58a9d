using System.Diagnostics.CodeAnalysis;
namespace World.Backends;

/// <summary>A backend's raw counts of one queue for <see cref="DispatchRules.Summarize"/>, read at one instant.</summary>
/// <param name="QueueName">The queue.</param>
/// <param name="Ready">Not leased and available at the instant.</param>
/// <param name="Delayed">Not leased and available later.</param>
/// <param name="Running">Leased, lease not yet lapsed.</param>
/// <param name="LeaseExpired">Leased, lease lapsed.</param>
/// <param name="DeadLettered">Dead letters.</param>
/// <param name="OldestReadyAt">The earliest availability among the ready messages.</param>
[Experimental(BackendApi.DiagnosticId, Message = BackendApi.Message)]
public sealed record QueueCounts(string QueueName, long Ready, long Delayed, long Running, long LeaseExpired, long DeadLettered, DateTimeOffset? OldestReadyAt);
