using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using World;
using World.DependencyInjection;
using World.Runtime;
using World.Runtime.Execution;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers workflows and the runtime on a World:
/// <c>services.AddWorld().UseInMemory().AddWorkflow&lt;OrderWorkflow&gt;()</c>. This adds an
/// <see cref="IWorkflowClient"/> and a hosted <see cref="WorkflowWorker"/> (which also runs the <see cref="WorkflowScheduler"/>).
/// </summary>
public static class WorkflowWorldBuilderExtensions
{
    /// <summary>Registers a workflow class (and the runtime, once).</summary>
    public static IWorldBuilder AddWorkflow<TWorkflow>(this IWorldBuilder builder)
        where TWorkflow : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        var registration = WorkflowRegistration.For<TWorkflow>();
        builder.AddWorkflowRuntime();
        builder.Services.TryAddTransient<TWorkflow>();
        builder.Services.AddSingleton(registration);
        return builder;
    }

    /// <summary>Registers a workflow written as a delegate under <paramref name="name"/> (and the runtime, once).</summary>
    public static IWorldBuilder AddWorkflow<TInput, TOutput>(this IWorldBuilder builder, string name, Func<IWorkflowContext, TInput, Task<TOutput>> body)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var registration = WorkflowRegistration.For(name, body);
        builder.AddWorkflowRuntime();
        builder.Services.AddSingleton(registration);
        return builder;
    }

    /// <summary>Adds the runtime (client, engine, hosted worker with its scheduler loop) once and configures its options.</summary>
    public static IWorldBuilder AddWorkflowRuntime(this IWorldBuilder builder, Action<WorkflowRuntimeOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (configure is not null)
        {
            services.Configure(configure);
        }

        if (services.Any(static d => d.ServiceType == typeof(WorkflowEngine)))
        {
            return builder;
        }

        services.AddOptions<WorkflowRuntimeOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WorkflowRuntimeOptions>, WorkflowRuntimeOptionsValidator>());
        services.TryAddSingleton<IWorkflowSerializer>(new JsonWorkflowSerializer());
        services.TryAddSingleton(static provider => new WorkflowRegistry(provider.GetServices<WorkflowRegistration>()));
        services.AddSingleton(static provider => new WorkflowEngine(
            provider.GetRequiredService<IWorld>(),
            provider.GetRequiredService<WorkflowRegistry>(),
            provider.GetRequiredService<IWorkflowSerializer>(),
            provider.GetRequiredService<IOptions<WorkflowRuntimeOptions>>().Value,
            provider.GetService<TimeProvider>() ?? TimeProvider.System,
            provider,
            Logger<WorkflowEngine>(provider)));
        services.AddSingleton(static provider => new WorkflowClient(provider.GetRequiredService<WorkflowEngine>()));
        services.AddSingleton<IWorkflowClient>(static provider => provider.GetRequiredService<WorkflowClient>());
        services.AddOptions<WorkflowSchedulerOptions>();
        services.AddSingleton(static provider => new WorkflowScheduler(
            provider.GetRequiredService<WorkflowEngine>(),
            provider.GetRequiredService<WorkflowClient>(),
            provider.GetServices<ScheduleRegistration>(),
            provider.GetRequiredService<IOptions<WorkflowSchedulerOptions>>().Value,
            Logger<WorkflowScheduler>(provider)));
        services.AddSingleton(static provider => new WorkflowWorker(provider.GetRequiredService<WorkflowEngine>(), provider.GetRequiredService<WorkflowScheduler>(), Logger<WorkflowWorker>(provider)));
        services.AddSingleton<IHostedService>(static provider => provider.GetRequiredService<WorkflowWorker>());
        return builder;
    }

    /// <summary>Replaces the serializer of user values (JSON by default), e.g. with <see cref="CborWorkflowSerializer"/>.</summary>
    public static IWorldBuilder UseWorkflowSerializer(this IWorldBuilder builder, IWorkflowSerializer serializer)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(serializer);
        builder.Services.RemoveAll<IWorkflowSerializer>();
        builder.Services.AddSingleton(serializer);
        return builder;
    }

    private static ILogger<T> Logger<T>(IServiceProvider provider) =>
        provider.GetService<ILoggerFactory>()?.CreateLogger<T>() ?? NullLogger<T>.Instance;
}
