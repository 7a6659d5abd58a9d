using World.Runtime;

namespace World.Testing.Workflows;

/// <summary>
/// Creates a hook with the caller's token, announces it on the default stream, collects payloads until one says
/// done (echoing each to the stream), disposes the hook and closes the stream.
/// </summary>
[Workflow("collect-with-hook")]
public sealed class HookWorkflow : IWorkflow<HookInput, List<HookPayload>>
{
    /// <inheritdoc />
    public async Task<List<HookPayload>> RunAsync(IWorkflowContext context, HookInput input)
    {
        var hook = await context.CreateHookAsync<HookPayload>(new HookOptions { Token = input.Token, Metadata = new HookMetadata(input.CustomData) });
        await context.WriteToStreamAsync(new StreamLine("hookCreated"));
        var collected = new List<HookPayload>();
        await foreach (var payload in hook)
        {
            await context.WriteToStreamAsync(new StreamLine("hookResumed", payload));
            collected.Add(payload);
            if (payload.Done)
            {
                break;
            }
        }

        await hook.DisposeAsync();
        await context.CloseStreamAsync();
        return collected;
    }
}
