using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using World.DependencyInjection;

namespace World.Postgres.Tests.Hosting;

/// <summary><c>services.AddWorld().UsePostgres(...)</c> in a real host: validation at start, migrations, health.</summary>
public sealed class HostingTests(PostgresFixture postgres)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_host_with_use_postgres_migrates_on_start_and_serves_the_world()
    {
        var schema = postgres.NewSchema();
        using var host = BuildHost(options =>
        {
            options.ConnectionString = postgres.Server.ConnectionString;
            options.Schema = schema;
        });

        await host.StartAsync(Cancellation);
        var world = host.Services.GetRequiredService<IWorld>();
        Assert.Same(host.Services.GetRequiredService<PostgresWorld>(), world);
        Assert.Equal(MigrationCatalog.LatestVersion, await ((PostgresWorld)world).ReadSchemaVersionAsync(Cancellation));

        var created = await world.Events.CreateAsync(null, new EventRequest(new RunCreated("dpl", "wf", new byte[] { 1 })), cancellationToken: Cancellation);
        Assert.Equal(RunStatus.Pending, (await world.Runs.GetAsync(created.Run!.RunId, cancellationToken: Cancellation)).Status);

        var health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Cancellation);
        Assert.Equal(HealthStatus.Healthy, health.Status);
        await host.StopAsync(Cancellation);
    }

    [Fact]
    public async Task Invalid_options_fail_the_host_start_with_every_problem_named()
    {
        using var host = BuildHost(options =>
        {
            options.ConnectionString = "";
            options.Schema = "bad schema";
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Cancellation));
        Assert.Contains(error.Failures, f => f.Contains("ConnectionString", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Schema", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Health_is_degraded_before_migrations_and_unhealthy_when_unreachable()
    {
        using var unmigrated = BuildHost(options =>
        {
            options.ConnectionString = postgres.Server.ConnectionString;
            options.Schema = postgres.NewSchema();
            options.MigrateOnStart = false;
        });
        await unmigrated.StartAsync(Cancellation);
        Assert.Equal(HealthStatus.Degraded, (await unmigrated.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Cancellation)).Status);
        await unmigrated.StopAsync(Cancellation);

        using var unreachable = BuildHost(options =>
        {
            options.ConnectionString = "Host=127.0.0.1;Port=1;Username=postgres;Timeout=2";
            options.MigrateOnStart = false;
        });
        await unreachable.StartAsync(Cancellation);
        var report = await unreachable.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Cancellation);
        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        Assert.DoesNotContain("Password", report.Entries["world-postgres"].Description, StringComparison.OrdinalIgnoreCase);
        await unreachable.StopAsync(Cancellation);
    }

    private static IHost BuildHost(Action<PostgresWorldOptions> configure)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddWorld().UsePostgres(configure);
        builder.Services.AddHealthChecks().AddWorldPostgres();
        return builder.Build();
    }
}
