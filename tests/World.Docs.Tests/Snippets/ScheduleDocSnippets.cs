using Microsoft.Extensions.DependencyInjection;
using World.DependencyInjection;
using World.Runtime;

namespace World.Docs.Tests.Snippets;

/// <summary>The C# block of docs/schedules.md, inside a method that gives it its variables.</summary>
public static class ScheduleDocSnippets
{
    /// <remarks>Compiled only: it needs a PostgreSQL connection string.</remarks>
    public static void Declare(IServiceCollection services, string cs)
    {
services.AddWorld().UsePostgres(o => o.ConnectionString = cs)
    .AddWorkflow<NightlyBilling>()
    .AddSchedule<NightlyBilling, BillingInput>("nightly-billing", new BillingInput("eu"), d => d with
    {
        Cron = "0 3 * * *",                  // five fields, or six with seconds first
        TimeZone = "Europe/Berlin",          // IANA id; default "UTC"
        CatchUp = ScheduleCatchUp.RunOnce,
        Overlap = ScheduleOverlap.Skip,
        Jitter = TimeSpan.FromMinutes(2),
        Enabled = true,                      // code-declared schedules are created DISABLED unless this says otherwise
    })
    .AddWorkflowScheduler(o => o.PollInterval = TimeSpan.FromSeconds(1));
services.AddHealthChecks().AddWorkflowScheduler();
    }
}

/// <summary>The input of the nightly billing workflow in docs/schedules.md.</summary>
public sealed record BillingInput(string Region);

/// <summary>The workflow docs/schedules.md schedules.</summary>
public sealed class NightlyBilling : IWorkflow<BillingInput, int>
{
    public Task<int> RunAsync(IWorkflowContext context, BillingInput input) => Task.FromResult(0);
}
