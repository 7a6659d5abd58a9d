using System.Diagnostics.CodeAnalysis;

namespace World.Backends;

/// <summary>The outcome of <see cref="EventRules.Decide"/>: either a plan to commit or a typed rejection.</summary>
[Experimental(BackendApi.DiagnosticId, Message = BackendApi.Message)]
public sealed class EventDecision
{
    private EventDecision(EventPlan? plan, WorldException? rejection)
    {
        Plan = plan;
        Rejection = rejection;
    }

    /// <summary>The plan, when accepted.</summary>
    public EventPlan? Plan { get; }

    /// <summary>The error to raise, when rejected. Nothing may be written.</summary>
    public WorldException? Rejection { get; }

    /// <summary>Whether the event was accepted.</summary>
    [MemberNotNullWhen(true, nameof(Plan))]
    [MemberNotNullWhen(false, nameof(Rejection))]
    public bool IsAccepted => Plan is not null;

    /// <summary>An accepted decision.</summary>
    public static EventDecision Accept(EventPlan plan) => new(plan ?? throw new ArgumentNullException(nameof(plan)), null);

    /// <summary>A rejected decision.</summary>
    public static EventDecision Reject(WorldException rejection) => new(null, rejection ?? throw new ArgumentNullException(nameof(rejection)));

    /// <summary>Returns the plan or throws the rejection.</summary>
    public EventPlan PlanOrThrow() => IsAccepted ? Plan : throw Rejection;
}
