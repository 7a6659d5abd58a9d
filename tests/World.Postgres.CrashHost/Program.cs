// A consumer process for crash tests: it claims from a queue and hangs inside the handler, announcing each message
// it holds on stdout, until the test kills it with SIGKILL. Arguments: <connection string> <schema> <queue> <lease ms>.
using World;
using World.Postgres;
using World.Queue;

if (args.Length != 4)
{
    Console.Error.WriteLine("usage: World.Postgres.CrashHost <connection string> <schema> <queue> <lease ms>");
    return 2;
}

var lease = TimeSpan.FromMilliseconds(int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture));
await using var world = new PostgresWorld(new WorldPostgresOptions { ConnectionString = args[0], Schema = args[1], MigrateOnStart = false });
var processor = new QueueProcessor(
    world.Queue,
    new QueueProcessorOptions { Queues = [args[2]], Concurrency = 1, LeaseDuration = lease, HeartbeatInterval = lease / 4, Owner = "crash-host" },
    async (message, token) =>
    {
        Console.WriteLine($"HANDLING {message.MessageId} {message.Attempt}");
        await Task.Delay(Timeout.Infinite, token);
        return QueueHandlerResult.Complete;
    });
await processor.RunAsync(CancellationToken.None);
return 0;
