using System.Diagnostics.CodeAnalysis;

namespace World.Backends;

/// <summary>
/// One scheduler pass over any World, shared by every backend and by the runtime: claim due fires
/// (<see cref="ISchedules.ClaimFiresAsync"/>), create each fire's run with the run id the fire recorded, hand the run
/// to <see cref="ScheduleFirerOptions.OnRunCreated"/>, cancel a previous run where the overlap policy says so, and
/// confirm the fires. Any number of firers may run at once, in any number of processes.
/// </summary>
/// <remarks>
/// Exactly-once comes from keys, not from this class: a tick has one fire (unique per schedule and nominal time) and a
/// fire one run id (a second creation with it is refused as a conflict). A firer that dies after claiming leaves its
/// fires pending; when their lease lapses another firer claims them and creates the same runs, or finds them created.
/// </remarks>
[Experimental(BackendApi.DiagnosticId, Message = BackendApi.Message)]
public sealed class ScheduleFirer
{
    private readonly IWorld _world;
    private readonly ScheduleFirerOptions _options;

    /// <summary>Creates a firer over <paramref name="world"/>.</summary>
    public ScheduleFirer(IWorld world, ScheduleFirerOptions options)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(options);
        IdValidation.RequireName(options.DeploymentId, "deploymentId");
        _world = world;
        _options = options;
    }

    /// <summary>Runs one pass; returns what it did. World errors propagate (the caller's loop retries).</summary>
    public async Task<ScheduleFireBatch> FireDueAsync(CancellationToken cancellationToken = default)
    {
        var claim = await _world.Schedules.ClaimFiresAsync(
            new ScheduleClaimRequest { Owner = _options.Owner, Limit = _options.BatchSize, Lease = _options.Lease },
            cancellationToken).ConfigureAwait(false);
        if (claim.Fires.Count == 0)
        {
            return new ScheduleFireBatch(claim.Planned, 0, 0, 0, claim.Repaired, []);
        }

        var created = 0;
        var existing = 0;
        foreach (var chunk in claim.Fires.Chunk(EventRules.MaxRunBatch))
        {
            // A fire leased before may have its run already: an earlier claimer created it and died before confirming.
            // Such a run is found, not created again (its id may be past the window in which the World accepts it).
            var found = await ExistingRunsAsync(chunk, cancellationToken).ConfigureAwait(false);
            existing += found.Count;
            var toCreate = found.Count == 0 ? chunk : Array.FindAll(chunk, claimed => !found.Contains(claimed.Fire.RunId!));
            var requests = Array.ConvertAll(toCreate, claimed => new RunCreationRequest(
                new RunCreated(_options.DeploymentId, claimed.WorkflowName, claimed.Input)
                {
                    Attributes = ScheduleAttributes.For(claimed.Fire),
                    AllowReservedAttributes = true,
                })
            { RunId = claimed.Fire.RunId });
            var results = requests.Length == 0 ? [] : await _world.Events.CreateRunsAsync(requests, new CreateEventOptions { ResolveData = ResolveData.None }, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < results.Count; i++)
            {
                if (results[i].Created)
                {
                    created++;
                }
                else if (results[i].Error is EntityConflictException)
                {
                    // The run exists: another claim of this fire created it meanwhile. Same run, not a second one.
                    existing++;
                }
                else
                {
                    throw results[i].Error!;
                }
            }

            // Hand every run on, including ones found created: the earlier claimer may have died before handing it on,
            // and the hand-on (an enqueue keyed by run id) is idempotent.
            if (_options.OnRunCreated is { } onRunCreated)
            {
                foreach (var claimed in chunk)
                {
                    await onRunCreated(claimed.Fire.RunId!, cancellationToken).ConfigureAwait(false);
                }
            }

            foreach (var claimed in chunk)
            {
                if (claimed.Fire.CancelRunId is { } previous)
                {
                    await CancelAsync(previous, cancellationToken).ConfigureAwait(false);
                }
            }

            await _world.Schedules.CompleteFiresAsync(Array.ConvertAll(chunk, claimed => claimed.Fire), cancellationToken).ConfigureAwait(false);
        }

        return new ScheduleFireBatch(claim.Planned, claim.Fires.Count, created, existing, claim.Repaired, claim.Fires.Select(f => f.Fire).ToList());
    }

    private async Task<HashSet<string>> ExistingRunsAsync(ClaimedScheduleFire[] chunk, CancellationToken cancellationToken)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        var retried = chunk.Where(claimed => claimed.Fire.Attempts > 1).Select(claimed => claimed.Fire.RunId!).ToList();
        foreach (var ids in retried.Chunk(ReadRules.MaxGetMany))
        {
            var runs = await _world.Runs.GetManyAsync(ids, ReadOptions.WithoutData, cancellationToken).ConfigureAwait(false);
            foreach (var run in runs)
            {
                if (run is not null)
                {
                    found.Add(run.RunId);
                }
            }
        }

        return found;
    }

    private async Task CancelAsync(string runId, CancellationToken cancellationToken)
    {
        if (_options.CancelRun is { } cancel)
        {
            await cancel(runId, cancellationToken).ConfigureAwait(false);
            return;
        }

        try
        {
            await _world.Events.CreateAsync(runId, new EventRequest(new RunCancelled()), new CreateEventOptions { ResolveData = ResolveData.None }, cancellationToken).ConfigureAwait(false);
        }
        catch (WorldException ended) when (ended is EntityConflictException or RunExpiredException or RunNotFoundException)
        {
            // The previous run ended (or is gone) on its own: nothing to cancel.
        }
    }
}
