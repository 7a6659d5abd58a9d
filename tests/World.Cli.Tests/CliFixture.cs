using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Npgsql;
using World.Postgres;
using World.Postgres.Testing;

[assembly: AssemblyFixture(typeof(World.Cli.Tests.CliFixture))]

namespace World.Cli.Tests;

/// <summary>
/// One PostgreSQL server for the assembly, and the built <c>world</c> tool run as a real process against it. Every
/// invocation carries a password in its connection string (a made-up one when the server needs none), and every
/// invocation checks that the password appears nowhere in what the tool printed.
/// </summary>
public sealed class CliFixture : IAsyncLifetime
{
    private PostgresTestServer? _server;
    private NpgsqlDataSource? _dataSource;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _schemas = new();
    private int _nextSchema;

    /// <summary>The connection string the tool is given, with a password.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>The password inside <see cref="ConnectionString"/>, which the tool must never print.</summary>
    public string Password { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        _server = await PostgresTestServer.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        var builder = new NpgsqlConnectionStringBuilder(_server.ConnectionString);
        if (string.IsNullOrEmpty(builder.Password))
        {
            // The throwaway server trusts local connections; the password is there to be kept secret, not to log in.
            builder.Password = "cli-secret-" + Guid.NewGuid().ToString("N");
        }

        ConnectionString = builder.ConnectionString;
        Password = builder.Password!;
        _dataSource = NpgsqlDataSource.Create(_server.ConnectionString);
    }

    /// <summary>A World on a fresh, migrated schema, for seeding what the tool then reads.</summary>
    public async Task<PostgresWorld> CreateWorldAsync(bool migrate = true)
    {
        var schema = $"cli{Interlocked.Increment(ref _nextSchema)}_{Guid.NewGuid():N}"[..20];
        _schemas.Enqueue(schema);
        var world = new PostgresWorld(_dataSource!, new PostgresWorldOptions { Schema = schema });
        if (migrate)
        {
            await world.MigrateAsync(TestContext.Current.CancellationToken);
        }

        return world;
    }

    /// <summary>Runs <c>world</c> with <paramref name="args"/>; the connection comes only from the arguments or <paramref name="environmentConnection"/>.</summary>
    public async Task<CliResult> RunAsync(IReadOnlyList<string> args, string? environmentConnection = null)
    {
        var path = typeof(CliFixture).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "CliPath").Value!;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.GetFullPath(path));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // The test run's own WORLD_POSTGRES_CONNECTION (an external test server) must not leak into the tool.
        start.Environment.Remove("WORLD_POSTGRES_CONNECTION");
        if (environmentConnection is not null)
        {
            start.Environment["WORLD_POSTGRES_CONNECTION"] = environmentConnection;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        var result = new CliResult(process.ExitCode, await stdout, await stderr);
        Assert.DoesNotContain(Password, result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, result.Error, StringComparison.Ordinal);
        return result;
    }

    /// <summary>Runs <c>world</c> on <paramref name="world"/>'s schema with <c>--json</c>, expects exit 0 and returns the parsed document.</summary>
    public async Task<JsonElement> JsonAsync(PostgresWorld world, params string[] args)
    {
        var result = await RunAsync([.. args, "--json", "--connection", ConnectionString, "--schema", world.Schema]);
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.Error}");
        return JsonDocument.Parse(result.Output).RootElement.Clone();
    }

    /// <summary>Runs <c>world</c> on <paramref name="world"/>'s schema (tables, not JSON).</summary>
    public Task<CliResult> RunOnAsync(PostgresWorld world, params string[] args) =>
        RunAsync([.. args, "--connection", ConnectionString, "--schema", world.Schema]);

    public async ValueTask DisposeAsync()
    {
        if (_dataSource is not null && _server is { IsThrowaway: false })
        {
            // A shared server keeps nothing of the run.
            while (_schemas.TryDequeue(out var schema))
            {
                await using var command = _dataSource.CreateCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
                await command.ExecuteNonQueryAsync();
            }
        }

        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
