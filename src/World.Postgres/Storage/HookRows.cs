using Npgsql;

namespace World.Postgres.Storage;

/// <summary>The <c>hooks</c> table: column lists, row reading and the parameters of the insert.</summary>
internal static class HookRows
{
    public const string Columns =
        "run_id, hook_id, token, owner_id, project_id, environment, metadata, is_webhook, created_at, spec_version, created_event_id";

    public const string ColumnsWithoutData =
        "run_id, hook_id, token, owner_id, project_id, environment, NULL::bytea, is_webhook, created_at, spec_version, created_event_id";

    public const string InsertColumns =
        "run_id, hook_id, token, owner_id, project_id, environment, metadata, is_webhook, created_at, spec_version, created_event_id, token_hash";

    public const string InsertValues = "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";

    public static string Select(ResolveData mode) => mode == ResolveData.All ? Columns : ColumnsWithoutData;

    public static Hook Read(NpgsqlDataReader reader) => new()
    {
        RunId = reader.GetString(0),
        HookId = reader.GetString(1),
        Token = reader.GetString(2),
        OwnerId = reader.GetString(3),
        ProjectId = reader.GetString(4),
        Environment = reader.GetString(5),
        Metadata = DbValues.ReadBytes(reader, 6),
        IsWebhook = reader.GetBoolean(7),
        CreatedAt = DbValues.ReadTimestamp(reader, 8),
        SpecVersion = reader.GetInt32(9),
    };

    public static string ReadSortKey(NpgsqlDataReader reader) => reader.GetString(10);

    public static void AddInsertParameters(NpgsqlParameterCollection parameters, Hook hook, string creationEventId)
    {
        parameters.Add(DbValues.Text(hook.RunId));
        parameters.Add(DbValues.Text(hook.HookId));
        parameters.Add(DbValues.Text(hook.Token));
        parameters.Add(DbValues.Text(hook.OwnerId));
        parameters.Add(DbValues.Text(hook.ProjectId));
        parameters.Add(DbValues.Text(hook.Environment));
        parameters.Add(DbValues.Bytea(hook.Metadata));
        parameters.Add(DbValues.Boolean(hook.IsWebhook));
        parameters.Add(DbValues.Timestamp(hook.CreatedAt));
        parameters.Add(DbValues.Integer(hook.SpecVersion));
        parameters.Add(DbValues.Text(creationEventId));
        parameters.Add(DbValues.Bytea(DbValues.TokenHash(hook.Token)));
    }
}
