using World.Runtime;

namespace World.Testing.Workflows;

/// <summary>Starts a child of itself while <c>depth</c> &gt; 1, awaits it, and reports the chain's lineage.</summary>
[Workflow("lineage")]
public sealed class LineageWorkflow : IWorkflow<int, LineageReport>
{
    /// <inheritdoc />
    public async Task<LineageReport> RunAsync(IWorkflowContext context, int input)
    {
        LineageReport? child = null;
        if (input > 1)
        {
            var run = await context.StartChildAsync<LineageWorkflow, int, LineageReport>(input - 1);
            child = await run.GetResultAsync();
        }

        return new LineageReport(
            context.RunId,
            context.Attributes.GetValueOrDefault(LineageAttributes.ParentRunId),
            context.Attributes.GetValueOrDefault(LineageAttributes.RootRunId),
            child);
    }
}
