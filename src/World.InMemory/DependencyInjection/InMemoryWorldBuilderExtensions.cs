using Microsoft.Extensions.DependencyInjection;
using World.InMemory;

namespace World.DependencyInjection;

/// <summary>Chooses the in-memory World: <c>services.AddWorld().UseInMemory()</c>.</summary>
public static class InMemoryWorldBuilderExtensions
{
    /// <summary>Uses one <see cref="InMemoryWorld"/> for the application, on the registered <see cref="TimeProvider"/>.</summary>
    public static IWorldBuilder UseInMemory(this IWorldBuilder builder, InMemoryWorldOptions? options = null) =>
        builder.UseWorld(provider => new InMemoryWorld(options, provider.GetService<TimeProvider>()));
}
