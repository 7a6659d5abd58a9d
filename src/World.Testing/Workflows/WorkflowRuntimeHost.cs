using Microsoft.Extensions.DependencyInjection;
using World.Runtime;

namespace World.Testing.Workflows;

/// <summary>
/// The runtime over a World under test, as an application would configure it (<c>AddWorld().AddWorkflow&lt;T&gt;()</c>),
/// with every kit workflow registered and a running worker. Dispose stops the worker; the World is left alone.
/// </summary>
public sealed class WorkflowRuntimeHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private bool _stopped;

    private WorkflowRuntimeHost(ServiceProvider services)
    {
        _services = services;
        Client = services.GetRequiredService<IWorkflowClient>();
        Worker = services.GetRequiredService<WorkflowWorker>();
    }

    /// <summary>The client.</summary>
    public IWorkflowClient Client { get; }

    /// <summary>The hosted worker.</summary>
    public WorkflowWorker Worker { get; }

    /// <summary>
    /// Builds the runtime over <paramref name="world"/> and starts its worker. <paramref name="registers"/> picks the
    /// kit workflows it knows (all by default), as an older version of an application would know fewer.
    /// </summary>
    public static async Task<WorkflowRuntimeHost> StartAsync(
        IWorld world,
        TimeProvider time,
        WorkflowProbe probe,
        Action<WorkflowRuntimeOptions>? configure = null,
        IWorkflowSerializer? serializer = null,
        Func<Type, bool>? registers = null,
        CancellationToken cancellationToken = default)
    {
        registers ??= static _ => true;
        var services = new ServiceCollection();
        services.AddSingleton(time);
        services.AddSingleton(probe);

        // The World is the test's: registered as an instance, so the container does not dispose it.
        var builder = services.AddWorld();
        services.AddSingleton(world);
        Register<AdditionWorkflow>(builder, registers);
        Register<FanOutWorkflow>(builder, registers);
        Register<HookWorkflow>(builder, registers);
        Register<NullByteWorkflow>(builder, registers);
        Register<ErrorsWorkflow>(builder, registers);
        Register<FailingStepWorkflow>(builder, registers);
        Register<SleepWorkflow>(builder, registers);
        Register<CancellableWorkflow>(builder, registers);
        Register<LineageWorkflow>(builder, registers);
        Register<ChildFailureWorkflow>(builder, registers);
        Register<UnregisteredChildWorkflow>(builder, registers);
        Register<RunawayWorkflow>(builder, registers);
        Register<DivergingWorkflow>(builder, registers);
        Register<CrashableWorkflow>(builder, registers);
        Register<BlockingWorkflow>(builder, registers);
        Register<ThrowingOnReplayWorkflow>(builder, registers);
        builder
            .AddWorkflowRuntime(options =>
            {
                options.WorkerName = "kit-worker";
                configure?.Invoke(options);
            });
        if (serializer is not null)
        {
            builder.UseWorkflowSerializer(serializer);
        }

        var host = new WorkflowRuntimeHost(services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }));
        await host.Worker.StartAsync(cancellationToken);
        return host;
    }

    private static void Register<TWorkflow>(World.DependencyInjection.IWorldBuilder builder, Func<Type, bool> registers)
        where TWorkflow : class
    {
        if (registers(typeof(TWorkflow)))
        {
            builder.AddWorkflow<TWorkflow>();
        }
    }

    /// <summary>Stops the worker gracefully (idempotent).</summary>
    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await Worker.StopAsync(CancellationToken.None);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _services.DisposeAsync();
    }
}
