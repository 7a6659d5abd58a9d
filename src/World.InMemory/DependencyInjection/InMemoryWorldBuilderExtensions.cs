using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using World.InMemory;

namespace World.DependencyInjection;

/// <summary>Chooses the in-memory World: <c>services.AddWorld().UseInMemory()</c>.</summary>
public static class InMemoryWorldBuilderExtensions
{
    /// <summary>
    /// Uses one <see cref="InMemoryWorld"/> for the application, on the registered <see cref="TimeProvider"/>. Options bind
    /// like any options (configure them here or with <c>services.Configure&lt;InMemoryWorldOptions&gt;</c>) and are
    /// validated when the host starts.
    /// </summary>
    public static IWorldBuilder UseInMemory(this IWorldBuilder builder, Action<InMemoryWorldOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<InMemoryWorldOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<InMemoryWorldOptions>, InMemoryWorldOptionsValidator>());
        return builder.UseWorld(static provider => new InMemoryWorld(
            provider.GetRequiredService<IOptions<InMemoryWorldOptions>>().Value,
            provider.GetService<TimeProvider>()));
    }
}
