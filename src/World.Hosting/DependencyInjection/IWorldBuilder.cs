using Microsoft.Extensions.DependencyInjection;

namespace World.DependencyInjection;

/// <summary>Configures the World of a service collection; backends add <c>Use…</c> extension methods to it.</summary>
public interface IWorldBuilder
{
    /// <summary>The services being configured.</summary>
    IServiceCollection Services { get; }
}
