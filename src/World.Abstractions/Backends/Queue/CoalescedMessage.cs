using System.Diagnostics.CodeAnalysis;
namespace World.Backends;

/// <summary>What <see cref="QueueRules.Coalesce"/> decided for a live message a coalescing duplicate met.</summary>
/// <param name="AvailableAt">When the message is available.</param>
/// <param name="Rerun">Whether the message, leased now, runs again once its holder completes or releases it.</param>
[Experimental(BackendApi.DiagnosticId, Message = BackendApi.Message)]
public readonly record struct CoalescedMessage(DateTimeOffset AvailableAt, bool Rerun);
