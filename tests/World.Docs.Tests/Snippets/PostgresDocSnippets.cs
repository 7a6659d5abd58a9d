using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using World.DependencyInjection;
using World.Postgres;

namespace World.Docs.Tests.Snippets;

/// <summary>The C# blocks of docs/postgres.md. Compiled only: running them needs a PostgreSQL server.</summary>
public static class PostgresDocSnippets
{
    public static void Setup(HostApplicationBuilder builder)
    {
        builder.Services.AddWorld().UsePostgres(options =>
        {
            options.ConnectionString = builder.Configuration.GetConnectionString("world");
            options.Schema = "world";          // default
        });
        builder.Services.AddHealthChecks().AddWorldPostgres();
    }

    public static async Task WithoutAHostAsync()
    {
        await using var world = new PostgresWorld(new PostgresWorldOptions { ConnectionString = "Host=…;Username=…" });
        await world.StartAsync();                 // or: await world.MigrateAsync();
    }
}
