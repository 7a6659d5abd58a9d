namespace World.InMemory.Storage;

/// <summary>A live hook with its sort key: the id of its <c>hook_created</c> event, which orders hooks by creation.</summary>
internal sealed record HookEntry(Hook Hook, string SortKey);
