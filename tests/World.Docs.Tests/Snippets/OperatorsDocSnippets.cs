using World.Runtime;

namespace World.Docs.Tests.Snippets;

/// <summary>The C# block of docs/operators.md, inside a method that gives it its World.</summary>
public static class OperatorsDocSnippets
{
    /// <remarks>Compiled only: it reads whatever World it is given.</remarks>
    public static async Task UseAdminAsync(IWorld world)
    {
var admin = new WorldAdmin(world);                        // an IWorldAdmin
var stuck = await admin.ListRunsAsync(new RunQuery
{
    Statuses = [RunStatus.Running],
    CreatedBefore = DateTimeOffset.UtcNow.AddHours(-1),
    ResolveData = ResolveData.None,
});
foreach (var run in stuck.Data)
{
    var detail = await admin.GetRunAsync(run.RunId);       // steps, hooks, waits, children, dispatch status
    Console.WriteLine($"{run.RunId}: {detail.Dispatch?.Code} {detail.Dispatch?.Description}");
}

var replayed = await admin.ReplayDeadLettersAsync(new DeadLetterSelection { QueueName = "orders", Limit = 100 });
    }
}
