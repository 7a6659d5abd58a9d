using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace World.Postgres.Testing;

/// <summary>
/// A PostgreSQL server for tests: either the one named by <c>WORLD_POSTGRES_CONNECTION</c>, or a throwaway cluster
/// created with <c>initdb</c> in a temp directory and started with <c>pg_ctl</c> on a free loopback port, with
/// durability turned off for speed (<c>fsync=off</c>). Disposing stops the cluster and deletes its directory.
/// </summary>
/// <remarks>
/// The server binaries are found in <c>WORLD_POSTGRES_BIN</c>, else the newest <c>/usr/lib/postgresql/*/bin</c>, else on
/// <c>PATH</c>. PostgreSQL refuses to run as root, so under root the cluster belongs to the <c>postgres</c> system user
/// (created by the Debian package) and its commands run through <c>runuser</c>.
/// </remarks>
public sealed class PostgresTestServer : IAsyncDisposable
{
    /// <summary>The environment variable that points the tests at an existing server instead.</summary>
    public const string ConnectionVariable = "WORLD_POSTGRES_CONNECTION";

    /// <summary>The environment variable that names the directory of the server binaries.</summary>
    public const string BinariesVariable = "WORLD_POSTGRES_BIN";

    private const string ServiceUser = "postgres";

    private readonly string? _root;
    private readonly string? _binaries;
    private readonly string? _serverOptions;
    private readonly SemaphoreSlim _control = new(1, 1);
    private bool _stopped;

    private PostgresTestServer(string connectionString, string? root, string? binaries, string? serverOptions)
    {
        ConnectionString = connectionString;
        _root = root;
        _binaries = binaries;
        _serverOptions = serverOptions;
    }

    /// <summary>The connection string of the server's <c>postgres</c> database.</summary>
    public string ConnectionString { get; }

    /// <summary>Whether this object started the server (and stops it on dispose).</summary>
    public bool IsThrowaway => _root is not null;

    /// <summary>Starts a throwaway cluster, or connects to <c>WORLD_POSTGRES_CONNECTION</c> when it is set.</summary>
    /// <param name="settings">Extra server settings (<c>name=value</c>) for a throwaway cluster, e.g. <c>fsync=on</c> for benchmarks.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<PostgresTestServer> StartAsync(IReadOnlyList<string>? settings = null, CancellationToken cancellationToken = default)
    {
        var external = Environment.GetEnvironmentVariable(ConnectionVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            return new PostgresTestServer(external, root: null, binaries: null, serverOptions: null);
        }

        return await StartThrowawayAsync(settings, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts a throwaway cluster even when <c>WORLD_POSTGRES_CONNECTION</c> is set: for tests that stop, restart or
    /// otherwise disturb their server (fault injection), which must never touch a shared one.
    /// </summary>
    /// <param name="settings">Extra server settings (<c>name=value</c>).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<PostgresTestServer> StartThrowawayAsync(IReadOnlyList<string>? settings = null, CancellationToken cancellationToken = default)
    {
        var binaries = FindBinaries();
        var root = Directory.CreateTempSubdirectory("world-pg-").FullName;
        try
        {
            var asServiceUser = Environment.UserName == "root";
            if (asServiceUser)
            {
                await RunAsync("chown", [ServiceUser, root], asServiceUser: false, cancellationToken).ConfigureAwait(false);
            }

            var data = Path.Combine(root, "data");
            await RunAsync(Path.Combine(binaries, "initdb"), ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"], asServiceUser, cancellationToken).ConfigureAwait(false);

            // A free port can be taken between probing and binding; try a few.
            for (var attempt = 1; ; attempt++)
            {
                var port = FreePort();
                string[] options =
                [
                    "-p", port.ToString(CultureInfo.InvariantCulture), "-k", root, "-c", "listen_addresses=127.0.0.1",
                    "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=300",
                    .. (settings ?? []).SelectMany(static setting => new[] { "-c", setting }),
                ];
                var serverOptions = string.Join(' ', options);
                try
                {
                    await RunAsync(Path.Combine(binaries, "pg_ctl"), ["-D", data, "-l", Path.Combine(root, "server.log"), "-w", "-t", "60", "-o", serverOptions, "start"], asServiceUser, cancellationToken).ConfigureAwait(false);
                }
                catch (InvalidOperationException) when (attempt < 3)
                {
                    continue;
                }

                var connectionString = new NpgsqlConnectionStringBuilder
                {
                    Host = "127.0.0.1",
                    Port = port,
                    Username = "postgres",
                    Database = "postgres",
                    IncludeErrorDetail = true,
                }.ConnectionString;
                return new PostgresTestServer(connectionString, root, binaries, serverOptions);
            }
        }
        catch
        {
            Directory.Delete(root, recursive: true);
            throw;
        }
    }

    /// <summary>
    /// Stops a throwaway cluster and keeps its data, as an operator's <c>pg_ctl stop</c> would: every session is
    /// disconnected and new connections are refused until <see cref="StartAgainAsync"/>.
    /// </summary>
    /// <param name="mode">How sessions end: <see cref="PostgresStopMode.Immediate"/> simulates a crash of the server.</param>
    /// <param name="cancellationToken">Cancels waiting for the stop.</param>
    /// <exception cref="InvalidOperationException">The server is not a throwaway cluster, or it is stopped already.</exception>
    public async Task StopAsync(PostgresStopMode mode = PostgresStopMode.Fast, CancellationToken cancellationToken = default)
    {
        var root = RequireThrowaway();
        await _control.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_stopped)
            {
                throw new InvalidOperationException("The server is stopped already.");
            }

            await RunAsync(Path.Combine(_binaries!, "pg_ctl"), ["-D", Path.Combine(root, "data"), "-m", ModeName(mode), "-w", "-t", "60", "stop"], Environment.UserName == "root", cancellationToken).ConfigureAwait(false);
            _stopped = true;
        }
        finally
        {
            _control.Release();
        }
    }

    /// <summary>Starts a cluster stopped by <see cref="StopAsync"/> again, on the same port with the same settings and data.</summary>
    /// <param name="cancellationToken">Cancels waiting for the start.</param>
    /// <exception cref="InvalidOperationException">The server is not a throwaway cluster, or it is running.</exception>
    public async Task StartAgainAsync(CancellationToken cancellationToken = default)
    {
        var root = RequireThrowaway();
        await _control.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_stopped)
            {
                throw new InvalidOperationException("The server is running.");
            }

            await RunAsync(Path.Combine(_binaries!, "pg_ctl"), ["-D", Path.Combine(root, "data"), "-l", Path.Combine(root, "server.log"), "-w", "-t", "60", "-o", _serverOptions!, "start"], Environment.UserName == "root", cancellationToken).ConfigureAwait(false);
            _stopped = false;
        }
        finally
        {
            _control.Release();
        }
    }

    /// <summary>Restarts a running throwaway cluster (<c>pg_ctl restart</c>): every session is disconnected, the data is kept.</summary>
    /// <param name="mode">How sessions end before the restart.</param>
    /// <param name="cancellationToken">Cancels waiting for the restart.</param>
    /// <exception cref="InvalidOperationException">The server is not a throwaway cluster, or it is stopped.</exception>
    public async Task RestartAsync(PostgresStopMode mode = PostgresStopMode.Fast, CancellationToken cancellationToken = default)
    {
        var root = RequireThrowaway();
        await _control.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_stopped)
            {
                throw new InvalidOperationException("The server is stopped; start it with StartAgainAsync.");
            }

            await RunAsync(Path.Combine(_binaries!, "pg_ctl"), ["-D", Path.Combine(root, "data"), "-l", Path.Combine(root, "server.log"), "-m", ModeName(mode), "-w", "-t", "60", "-o", _serverOptions!, "restart"], Environment.UserName == "root", cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _control.Release();
        }
    }

    /// <summary>Stops a throwaway cluster (immediately: its data is disposable) and deletes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_root is null)
        {
            _control.Dispose();
            return;
        }

        try
        {
            if (!_stopped)
            {
                await RunAsync(Path.Combine(_binaries!, "pg_ctl"), ["-D", Path.Combine(_root, "data"), "-m", "immediate", "-w", "stop"], Environment.UserName == "root", CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            Directory.Delete(_root, recursive: true);
            _control.Dispose();
        }
    }

    private string RequireThrowaway() =>
        _root ?? throw new InvalidOperationException($"Only a throwaway cluster can be stopped or restarted; this server comes from {ConnectionVariable}.");

    private static string ModeName(PostgresStopMode mode) => mode switch
    {
        PostgresStopMode.Smart => "smart",
        PostgresStopMode.Fast => "fast",
        PostgresStopMode.Immediate => "immediate",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown stop mode."),
    };

    private static string FindBinaries()
    {
        var configured = Environment.GetEnvironmentVariable(BinariesVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return File.Exists(Path.Combine(configured, "pg_ctl"))
                ? configured
                : throw new InvalidOperationException($"{BinariesVariable}='{configured}' does not contain pg_ctl.");
        }

        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            var newest = Directory.GetDirectories(debianRoot)
                .Select(static directory => (Directory: directory, Version: int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : -1))
                .Where(static candidate => File.Exists(Path.Combine(candidate.Directory, "bin", "pg_ctl")))
                .OrderByDescending(static candidate => candidate.Version)
                .Select(static candidate => Path.Combine(candidate.Directory, "bin"))
                .FirstOrDefault();
            if (newest is not null)
            {
                return newest;
            }
        }

        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .FirstOrDefault(static directory => directory.Length > 0 && File.Exists(Path.Combine(directory, "pg_ctl")) && File.Exists(Path.Combine(directory, "initdb")));
        return onPath ?? throw new InvalidOperationException(
            $"PostgreSQL server binaries (initdb, pg_ctl) were not found. Install them (apt-get install -y postgresql), set {BinariesVariable} to their directory, or set {ConnectionVariable} to use an existing server.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, bool asServiceUser, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo
        {
            FileName = asServiceUser ? "runuser" : program,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (asServiceUser)
        {
            foreach (var argument in (string[])["-u", ServiceUser, "--", program])
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} exited with {process.ExitCode}: {await error.ConfigureAwait(false)}{await output.ConfigureAwait(false)}");
        }
    }
}
