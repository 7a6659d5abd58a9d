namespace World;

/// <summary>The addressed entity does not exist (404).</summary>
public class EntityNotFoundException : WorldException
{
    /// <summary>Creates the exception for a step, wait or event.</summary>
    public EntityNotFoundException(EntityKind kind, string id)
        : this(kind, id, CodeOf(kind), $"{kind} '{id}' was not found.")
    {
    }

    /// <summary>Creates the exception with a specific code and message.</summary>
    protected EntityNotFoundException(EntityKind kind, string id, string code, string message)
        : base(code, 404, message)
    {
        Kind = kind;
        EntityId = id;
    }

    /// <summary>The kind of the missing entity.</summary>
    public EntityKind Kind { get; }

    /// <summary>The id (or, for hooks looked up by token, the token) that was not found.</summary>
    public string EntityId { get; }

    private static string CodeOf(EntityKind kind) => kind switch
    {
        EntityKind.Run => WorldErrorCodes.RunNotFound,
        EntityKind.Step => WorldErrorCodes.StepNotFound,
        EntityKind.Hook => WorldErrorCodes.HookNotFound,
        EntityKind.Wait => WorldErrorCodes.WaitNotFound,
        EntityKind.DeadLetter => WorldErrorCodes.DeadLetterNotFound,
        _ => WorldErrorCodes.EventNotFound,
    };
}
