using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace World.DependencyInjection;

/// <summary>
/// Starts the registered World with the host (e.g. applies database migrations) before other hosted services that
/// use it, and fails host start-up when the World cannot start.
/// </summary>
internal sealed class WorldStartupService(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        services.GetService<IWorld>() is { } world ? world.StartAsync(cancellationToken) : throw new InvalidOperationException(
            "AddWorld() was called but no World backend was chosen; call UseInMemory() or UsePostgres(...) on the builder.");

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
