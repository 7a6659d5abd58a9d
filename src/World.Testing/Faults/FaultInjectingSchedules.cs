namespace World.Testing.Faults;

/// <summary>Schedules whose claims fail as scripted, to test that a scheduler survives a failing World.</summary>
public sealed class FaultInjectingSchedules(ISchedules inner) : ISchedules
{
    /// <summary>Faults of <see cref="ClaimFiresAsync"/>.</summary>
    public FaultScript Claims { get; } = new();

    /// <inheritdoc />
    public Task<ScheduleClaimResult> ClaimFiresAsync(ScheduleClaimRequest request, CancellationToken cancellationToken = default)
    {
        Claims.OnCall();
        return inner.ClaimFiresAsync(request, cancellationToken);
    }

    /// <inheritdoc />
    public Task<Schedule> UpsertAsync(ScheduleDefinition definition, CancellationToken cancellationToken = default) => inner.UpsertAsync(definition, cancellationToken);

    /// <inheritdoc />
    public Task<Schedule> GetAsync(string scheduleId, CancellationToken cancellationToken = default) => inner.GetAsync(scheduleId, cancellationToken);

    /// <inheritdoc />
    public Task<Page<Schedule>> ListAsync(ScheduleQuery? query = null, CancellationToken cancellationToken = default) => inner.ListAsync(query, cancellationToken);

    /// <inheritdoc />
    public Task<Schedule> PauseAsync(string scheduleId, string? note = null, CancellationToken cancellationToken = default) => inner.PauseAsync(scheduleId, note, cancellationToken);

    /// <inheritdoc />
    public Task<Schedule> ResumeAsync(string scheduleId, CancellationToken cancellationToken = default) => inner.ResumeAsync(scheduleId, cancellationToken);

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string scheduleId, CancellationToken cancellationToken = default) => inner.DeleteAsync(scheduleId, cancellationToken);

    /// <inheritdoc />
    public Task<ScheduleFire> TriggerNowAsync(string scheduleId, CancellationToken cancellationToken = default) => inner.TriggerNowAsync(scheduleId, cancellationToken);

    /// <inheritdoc />
    public Task<ScheduleBackfillResult> BackfillAsync(string scheduleId, ScheduleBackfillRequest request, CancellationToken cancellationToken = default) => inner.BackfillAsync(scheduleId, request, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<DateTimeOffset>> PreviewAsync(string scheduleId, int count, CancellationToken cancellationToken = default) => inner.PreviewAsync(scheduleId, count, cancellationToken);

    /// <inheritdoc />
    public Task<Page<ScheduleFire>> ListFiresAsync(ScheduleFireQuery query, CancellationToken cancellationToken = default) => inner.ListFiresAsync(query, cancellationToken);

    /// <inheritdoc />
    public Task<int> CompleteFiresAsync(IReadOnlyList<ScheduleFire> fires, CancellationToken cancellationToken = default) => inner.CompleteFiresAsync(fires, cancellationToken);
}
