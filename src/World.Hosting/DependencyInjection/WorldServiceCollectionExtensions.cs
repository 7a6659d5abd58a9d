using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using World;
using World.DependencyInjection;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers a World: <c>services.AddWorld().UsePostgres(...)</c> or <c>services.AddWorld().UseInMemory()</c>.</summary>
public static class WorldServiceCollectionExtensions
{
    /// <summary>
    /// Adds the World's shared services (a <see cref="TimeProvider"/> unless one is registered, and a hosted service
    /// that starts the World with the host) and returns a builder on which to choose the backend.
    /// </summary>
    public static IWorldBuilder AddWorld(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, WorldStartupService>());
        return new WorldBuilder(services);
    }

    /// <summary>Adds the World and configures it in one call: <c>services.AddWorld(world => world.UseInMemory())</c>.</summary>
    public static IServiceCollection AddWorld(this IServiceCollection services, Action<IWorldBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(services.AddWorld());
        return services;
    }

    /// <summary>Registers <paramref name="factory"/> as the one World (replacing an earlier choice); the container disposes it.</summary>
    public static IWorldBuilder UseWorld<TWorld>(this IWorldBuilder builder, Func<IServiceProvider, TWorld> factory)
        where TWorld : class, IWorld
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        builder.Services.RemoveAll<IWorld>();
        builder.Services.TryAddSingleton(factory);
        builder.Services.AddSingleton<IWorld>(static provider => provider.GetRequiredService<TWorld>());
        return builder;
    }
}
