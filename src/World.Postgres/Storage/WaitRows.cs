using Npgsql;

namespace World.Postgres.Storage;

/// <summary>The <c>waits</c> table: column list, row reading and the parameters of writes.</summary>
internal static class WaitRows
{
    public const string Columns = "run_id, correlation_id, wait_id, status, resume_at, completed_at, created_at, updated_at, spec_version";

    public const string InsertValues = "($1, $2, $3, $4, $5, $6, $7, $8, $9)";

    public const string UpdateAssignments = "status = $4, resume_at = $5, completed_at = $6, updated_at = $8";

    public static Wait Read(NpgsqlDataReader reader) => new()
    {
        RunId = reader.GetString(0),
        CorrelationId = reader.GetString(1),
        WaitId = reader.GetString(2),
        Status = DbValues.ParseWaitStatus(reader.GetString(3)),
        ResumeAt = DbValues.ReadNullableTimestamp(reader, 4),
        CompletedAt = DbValues.ReadNullableTimestamp(reader, 5),
        CreatedAt = DbValues.ReadTimestamp(reader, 6),
        UpdatedAt = DbValues.ReadTimestamp(reader, 7),
        SpecVersion = reader.GetInt32(8),
    };

    public static void AddParameters(NpgsqlParameterCollection parameters, Wait wait)
    {
        parameters.Add(DbValues.Text(wait.RunId));
        parameters.Add(DbValues.Text(wait.CorrelationId));
        parameters.Add(DbValues.Text(wait.WaitId));
        parameters.Add(DbValues.Text(DbValues.Name(wait.Status)));
        parameters.Add(DbValues.Timestamp(wait.ResumeAt));
        parameters.Add(DbValues.Timestamp(wait.CompletedAt));
        parameters.Add(DbValues.Timestamp(wait.CreatedAt));
        parameters.Add(DbValues.Timestamp(wait.UpdatedAt));
        parameters.Add(DbValues.Integer(wait.SpecVersion));
    }
}
