using System.Diagnostics.CodeAnalysis;

namespace World.Backends;

/// <summary>
/// The filters of a validated <see cref="RunQuery"/> in the form a backend applies them: <see cref="RunQuery.ParentRunId"/>
/// and <see cref="RunQuery.ScheduleId"/> folded into the attribute conditions, every condition checked once by
/// <see cref="ReadRules.RunFilterOf"/>. A backend that holds runs in memory applies <see cref="Matches"/>; a database
/// translates the same fields.
/// </summary>
[Experimental(BackendApi.DiagnosticId, Message = BackendApi.Message)]
public sealed record RunFilter
{
    /// <summary>Only runs of this workflow.</summary>
    public string? WorkflowName { get; init; }

    /// <summary>Only runs in one of these statuses (distinct); null for any status, empty when nothing can match.</summary>
    public IReadOnlyList<RunStatus>? Statuses { get; init; }

    /// <summary>Attributes every matching run holds with exactly these values, ordered by key (ordinal); empty for none.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Attributes { get; init; } = [];

    /// <summary>Only runs created at or after this time.</summary>
    public DateTimeOffset? CreatedAfter { get; init; }

    /// <summary>Only runs created strictly before this time.</summary>
    public DateTimeOffset? CreatedBefore { get; init; }

    /// <summary>Whether no run can match (an empty status set, or a time range that holds no instant).</summary>
    public bool MatchesNothing => Statuses is { Count: 0 } || (CreatedAfter is { } after && CreatedBefore is { } before && after >= before);

    /// <summary>Whether <paramref name="run"/> passes every filter.</summary>
    public bool Matches(WorkflowRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (MatchesNothing
            || (WorkflowName is not null && !string.Equals(run.WorkflowName, WorkflowName, StringComparison.Ordinal))
            || (Statuses is not null && !Statuses.Contains(run.Status))
            || (CreatedAfter is { } after && run.CreatedAt < after)
            || (CreatedBefore is { } before && run.CreatedAt >= before))
        {
            return false;
        }

        foreach (var (key, value) in Attributes)
        {
            if (!run.Attributes.TryGetValue(key, out var held) || !string.Equals(held, value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
