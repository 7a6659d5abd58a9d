using Microsoft.Extensions.Diagnostics.HealthChecks;
using World;
using World.DependencyInjection;
using World.Runtime;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Schedules in the hosted runtime: <c>services.AddWorld().UsePostgres(…).AddWorkflow&lt;Billing&gt;().AddSchedule&lt;Billing, Unit&gt;("nightly-billing", "0 3 * * *", default)</c>.
/// </summary>
public static class WorkflowSchedulerExtensions
{
    /// <summary>
    /// Configures the scheduler loop, which the hosted worker runs by default (adding the runtime once);
    /// <c>AddWorkflowScheduler(o =&gt; o.Enabled = false)</c> keeps a process's worker from firing schedules (a dedicated
    /// worker pool), while other processes fire them.
    /// </summary>
#pragma warning disable RS0026 // Two AddWorkflowScheduler extensions on different receivers (IWorldBuilder, IHealthChecksBuilder), as AddDbContext/AddNpgSql do: no call can bind to both.
    public static IWorldBuilder AddWorkflowScheduler(this IWorldBuilder builder, Action<WorkflowSchedulerOptions>? configure = null)
#pragma warning restore RS0026
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddWorkflowRuntime();
        if (configure is not null)
        {
            builder.Services.Configure(configure);
        }

        return builder;
    }

    /// <summary>
    /// Declares a schedule in code: upserted at start, created <b>disabled</b> unless <paramref name="configure"/> sets
    /// <see cref="ScheduleDefinition.Enabled"/> (an existing schedule keeps its enabled state and runtime state).
    /// </summary>
    /// <param name="builder">The World builder.</param>
    /// <param name="scheduleId">The schedule id.</param>
    /// <param name="workflowName">The workflow to start.</param>
    /// <param name="input">The workflow input, serialized with the runtime's serializer at start.</param>
    /// <param name="configure">Sets the timing (<c>Cron</c> or <c>Interval</c>), zone and policies.</param>
    public static IWorldBuilder AddSchedule<TInput>(this IWorldBuilder builder, string scheduleId, string workflowName, TInput input, Func<ScheduleDefinition, ScheduleDefinition> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.AddWorkflowRuntime();
        builder.Services.AddSingleton(new ScheduleRegistration(serializer =>
            configure(new ScheduleDefinition { ScheduleId = scheduleId, WorkflowName = workflowName, Input = serializer.Serialize(input) })));
        return builder;
    }

    /// <summary>Declares a schedule of a workflow class (its registered name) in code; see <see cref="AddSchedule{TInput}(IWorldBuilder, string, string, TInput, Func{ScheduleDefinition, ScheduleDefinition})"/>.</summary>
    public static IWorldBuilder AddSchedule<TWorkflow, TInput>(this IWorldBuilder builder, string scheduleId, TInput input, Func<ScheduleDefinition, ScheduleDefinition> configure)
        where TWorkflow : class =>
        builder.AddSchedule(scheduleId, WorkflowNames.Of<TWorkflow>(), input, configure);

    /// <summary>Adds the scheduler's heartbeat health check: <c>services.AddHealthChecks().AddWorkflowScheduler()</c>.</summary>
#pragma warning disable RS0026 // See the IWorldBuilder overload.
    public static IHealthChecksBuilder AddWorkflowScheduler(this IHealthChecksBuilder builder, string name = "world-workflow-scheduler", HealthStatus? failureStatus = null, IEnumerable<string>? tags = null)
#pragma warning restore RS0026
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new HealthCheckRegistration(
            name,
            static provider => new WorkflowSchedulerHealthCheck(provider.GetRequiredService<WorkflowScheduler>(), provider.GetService<TimeProvider>() ?? TimeProvider.System),
            failureStatus,
            tags));
    }
}
