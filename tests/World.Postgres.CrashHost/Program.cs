// A worker process for crash tests, killed by the test with SIGKILL while it holds work.
//   queue <connection string> <schema> <queue> <lease ms>: claims from a queue and hangs inside the handler,
//       announcing each message it holds on stdout.
//   workflow <connection string> <schema> <lease ms>: runs the workflow runtime with the kit's workflows, whose
//       "crashable" workflow stalls inside its second step; the test watches the log and kills the process there.
//   schedule <connection string> <schema> <lease ms>: fires schedules and hangs right after creating a fire's run,
//       before confirming the fire, announcing the run id; the test kills the process there.
using World;
using World.Postgres;
using World.Queue;
using World.Testing.Workflows;

var usage = "usage: World.Postgres.CrashHost queue <connection string> <schema> <queue> <lease ms> | workflow <connection string> <schema> <lease ms> | schedule <connection string> <schema> <lease ms>";
if (args.Length < 4)
{
    Console.Error.WriteLine(usage);
    return 2;
}

await using var world = new PostgresWorld(new PostgresWorldOptions { ConnectionString = args[1], Schema = args[2], MigrateOnStart = false });
switch (args[0])
{
    case "queue" when args.Length == 5:
    {
        var lease = Milliseconds(args[4]);
        var processor = new QueueProcessor(
            world.Queue,
            new QueueProcessorOptions { Queues = [args[3]], Concurrency = 1, LeaseDuration = lease, HeartbeatInterval = lease / 4, Owner = "crash-host" },
            async (message, token) =>
            {
                Console.WriteLine($"HANDLING {message.MessageId} {message.Attempt}");
                await Task.Delay(Timeout.Infinite, token);
                return QueueHandlerResult.Complete;
            });
        await processor.RunAsync(CancellationToken.None);
        return 0;
    }

    case "workflow" when args.Length == 4:
    {
        var lease = Milliseconds(args[3]);
        await world.StartAsync();
        await using var runtime = await WorkflowRuntimeHost.StartAsync(world, TimeProvider.System, new WorkflowProbe(), options =>
        {
            options.WorkerName = "crash-host";
            options.LeaseDuration = lease;
            options.HeartbeatInterval = lease / 4;
            options.PollInterval = TimeSpan.FromMilliseconds(100);
        });
        Console.WriteLine("WORKER READY");
        await Task.Delay(Timeout.Infinite);
        return 0;
    }

    case "schedule" when args.Length == 4:
    {
        var firer = new World.Backends.ScheduleFirer(world, new World.Backends.ScheduleFirerOptions
        {
            DeploymentId = "crash-host",
            Owner = "crash-host",
            Lease = Milliseconds(args[3]),
            OnRunCreated = async (runId, token) =>
            {
                Console.WriteLine($"FIRED {runId}");
                await Task.Delay(Timeout.Infinite, token);
            },
        });
        Console.WriteLine("SCHEDULER READY");
        while (true)
        {
            await firer.FireDueAsync();
            await Task.Delay(50);
        }
    }

    default:
        Console.Error.WriteLine(usage);
        return 2;
}

static TimeSpan Milliseconds(string value) => TimeSpan.FromMilliseconds(int.Parse(value, System.Globalization.CultureInfo.InvariantCulture));
