using Microsoft.Extensions.DependencyInjection;

namespace World.DependencyInjection;

internal sealed class WorldBuilder(IServiceCollection services) : IWorldBuilder
{
    public IServiceCollection Services { get; } = services;
}
