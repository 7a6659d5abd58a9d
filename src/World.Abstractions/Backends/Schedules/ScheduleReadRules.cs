using System.Diagnostics.CodeAnalysis;
namespace World.Backends;

/// <summary>Validation of schedule reads and commands, in one place for every backend.</summary>
[Experimental(BackendApi.DiagnosticId, Message = BackendApi.Message)]
public static class ScheduleReadRules
{
    /// <summary>Validates a schedule listing (the default when null); returns the query and the page.</summary>
    public static (ScheduleQuery Query, ResolvedPage Page) ValidateQuery(ScheduleQuery? query)
    {
        query ??= new ScheduleQuery();
        IdValidation.OptionalName(query.WorkflowName, "workflowName");
        return (query, PageCursor.Resolve(query.Page, ScheduleQuery.DefaultLimit, SortOrder.Ascending, CursorListing.Schedules, query.WorkflowName ?? PageCursor.Unscoped));
    }

    /// <summary>Validates a fire listing; returns the page.</summary>
    public static ResolvedPage ValidateFireQuery(ScheduleFireQuery query)
    {
        if (query is null)
        {
            throw new WorldValidationException("A fire query with a scheduleId is required.", "query");
        }

        IdValidation.RequireSafeId(query.ScheduleId, "scheduleId");
        if (query.Status is { } status && !Enum.IsDefined(status))
        {
            throw new WorldValidationException($"status {(int)status} is not a defined ScheduleFireStatus.", "status");
        }

        return PageCursor.Resolve(query.Page, ScheduleFireQuery.DefaultLimit, SortOrder.Descending, CursorListing.ScheduleFires, query.ScheduleId);
    }

    /// <summary>Validates a claim request.</summary>
    public static ScheduleClaimRequest ValidateClaim(ScheduleClaimRequest request)
    {
        if (request is null)
        {
            throw new WorldValidationException("A claim request is required.", "request");
        }

        IdValidation.RequireName(request.Owner, "owner");
        if (request.Limit is < 1 or > PageRequest.MaxLimit)
        {
            throw new WorldValidationException($"limit must be 1 to {PageRequest.MaxLimit}, got {request.Limit}.", "limit");
        }

        if (request.Lease <= TimeSpan.Zero || request.Lease > TimeSpan.FromHours(1))
        {
            throw new WorldValidationException("lease must be positive and at most one hour.", "lease");
        }

        return request;
    }

    /// <summary>Validates a preview count.</summary>
    public static int ValidatePreviewCount(int count) =>
        count is < 1 or > ScheduleRules.MaxPreview ? throw new WorldValidationException($"count must be 1 to {ScheduleRules.MaxPreview}, got {count}.", "count") : count;
}
