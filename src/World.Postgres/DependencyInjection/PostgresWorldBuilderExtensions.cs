using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using World.Postgres;

namespace World.DependencyInjection;

/// <summary>Chooses the PostgreSQL World: <c>services.AddWorld().UsePostgres(o => o.ConnectionString = ...)</c>.</summary>
public static class PostgresWorldBuilderExtensions
{
    /// <summary>
    /// Uses one <see cref="PostgresWorld"/> for the application. Options bind like any options (configure them here or
    /// with <c>services.Configure&lt;PostgresWorldOptions&gt;</c>) and are validated when the host starts.
    /// </summary>
    public static IWorldBuilder UsePostgres(this IWorldBuilder builder, Action<PostgresWorldOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<PostgresWorldOptions>().Configure(configure).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgresWorldOptions>, PostgresWorldOptionsValidator>());
        return builder.UseWorld(static provider => new PostgresWorld(
            provider.GetRequiredService<IOptions<PostgresWorldOptions>>().Value,
            provider.GetService<TimeProvider>(),
            provider.GetService<ILoggerFactory>()));
    }

    /// <summary>Uses one <see cref="PostgresWorld"/> on <paramref name="connectionString"/>, other options at their defaults.</summary>
    public static IWorldBuilder UsePostgres(this IWorldBuilder builder, string connectionString) =>
        builder.UsePostgres(options => options.ConnectionString = connectionString);
}
