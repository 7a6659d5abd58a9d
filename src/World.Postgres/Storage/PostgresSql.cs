namespace World.Postgres.Storage;

/// <summary>
/// Every statement of the World, built once for one schema. Only the validated, quoted schema name is interpolated;
/// every value travels as a positional parameter.
/// </summary>
internal sealed class PostgresSql
{
    private readonly string[] _createRun;

    /// <summary>The immutable function reading a run's attributes as jsonb (migration 0008), which its index uses.</summary>
    public string RunAttributesJson { get; }

    public PostgresSql(string schema)
    {
        var s = PostgresIdentifier.Quote(schema);
        Runs = s + ".runs";
        RunAttributesJson = s + ".run_attributes_json";
        Events = s + ".events";
        Steps = s + ".steps";
        Hooks = s + ".hooks";
        Waits = s + ".waits";

        LockRun = $"SELECT {RunRows.Columns} FROM {Runs} WHERE run_id = $1 FOR UPDATE";
        LockRunWithoutData = $"SELECT {RunRows.ColumnsWithoutData} FROM {Runs} WHERE run_id = $1 FOR UPDATE";
        LastEventId = $"SELECT event_id FROM {Events} WHERE run_id = $1 ORDER BY event_id DESC LIMIT 1";
        CorrelationEventExists = $"SELECT EXISTS (SELECT 1 FROM {Events} WHERE run_id = $1 AND correlation_id = $2 AND event_type = $3)";
        TokenHolder = $"SELECT run_id, hook_id FROM {Hooks} WHERE token_hash = $1";

        InsertEvent = $"INSERT INTO {Events} ({EventRows.InsertColumns}) VALUES ({EventRows.InsertValues(0)})";
        UpdateRun = $"UPDATE {Runs} SET {RunRows.UpdateAssignments} WHERE run_id = $1";
        InsertStep = $"INSERT INTO {Steps} ({StepRows.Columns}) VALUES {StepRows.InsertValues}";
        UpdateStep = $"UPDATE {Steps} SET {StepRows.UpdateAssignments} WHERE run_id = $1 AND step_id = $2";
        InsertHook = $"INSERT INTO {Hooks} ({HookRows.InsertColumns}) VALUES {HookRows.InsertValues}";
        DeleteHook = $"DELETE FROM {Hooks} WHERE run_id = $1 AND hook_id = $2";
        DeleteRunHooks = $"DELETE FROM {Hooks} WHERE run_id = $1";
        InsertWait = $"INSERT INTO {Waits} ({WaitRows.Columns}) VALUES {WaitRows.InsertValues}";
        UpdateWait = $"UPDATE {Waits} SET {WaitRows.UpdateAssignments} WHERE run_id = $1 AND correlation_id = $2";
        DeleteRunWaits = $"DELETE FROM {Waits} WHERE run_id = $1";
        RunLog = $"SELECT {EventRows.Columns} FROM {Events} WHERE run_id = $1 ORDER BY event_id";

        GetRun = $"SELECT {RunRows.Columns} FROM {Runs} WHERE run_id = $1";
        GetRunWithoutData = $"SELECT {RunRows.ColumnsWithoutData} FROM {Runs} WHERE run_id = $1";
        GetRuns = $"SELECT {RunRows.Columns} FROM {Runs} WHERE run_id = ANY($1)";
        GetRunsWithoutData = $"SELECT {RunRows.ColumnsWithoutData} FROM {Runs} WHERE run_id = ANY($1)";
        GetStep = $"SELECT {StepRows.Columns} FROM {Steps} WHERE run_id = $1 AND step_id = $2";
        GetStepWithoutData = $"SELECT {StepRows.ColumnsWithoutData} FROM {Steps} WHERE run_id = $1 AND step_id = $2";
        GetRunHook = $"SELECT {HookRows.Columns} FROM {Hooks} WHERE run_id = $1 AND hook_id = $2";
        GetWait = $"SELECT {WaitRows.Columns} FROM {Waits} WHERE run_id = $1 AND correlation_id = $2";
        GetEvent = $"SELECT {EventRows.Columns} FROM {Events} WHERE run_id = $1 AND event_id = $2";

        // Hook ids are scoped to their run; when several live runs use one id, the oldest hook answers.
        GetHookById = $"SELECT {HookRows.Columns} FROM {Hooks} WHERE hook_id = $1 ORDER BY created_event_id LIMIT 1";
        GetHookByIdWithoutData = $"SELECT {HookRows.ColumnsWithoutData} FROM {Hooks} WHERE hook_id = $1 ORDER BY created_event_id LIMIT 1";
        GetHookByToken = $"SELECT {HookRows.Columns} FROM {Hooks} WHERE token_hash = $1";
        GetHookByTokenWithoutData = $"SELECT {HookRows.ColumnsWithoutData} FROM {Hooks} WHERE token_hash = $1";

        // A run is created with one event (run_created) or two (a synthetic run_created before run_started).
        _createRun = [BuildCreateRun(1), BuildCreateRun(2)];
        GetEventWithoutData = $"SELECT {EventRows.ColumnsWithoutData} FROM {Events} WHERE run_id = $1 AND event_id = $2";
    }

    public string Runs { get; }

    public string Events { get; }

    public string Steps { get; }

    public string Hooks { get; }

    public string Waits { get; }

    public string LockRun { get; }

    public string LockRunWithoutData { get; }

    public string LastEventId { get; }

    public string CorrelationEventExists { get; }

    public string TokenHolder { get; }

    public string InsertEvent { get; }

    public string UpdateRun { get; }

    public string InsertStep { get; }

    public string UpdateStep { get; }

    public string InsertHook { get; }

    public string DeleteHook { get; }

    public string DeleteRunHooks { get; }

    public string InsertWait { get; }

    public string UpdateWait { get; }

    public string DeleteRunWaits { get; }

    public string RunLog { get; }

    public string GetRun { get; }

    public string GetRunWithoutData { get; }

    public string GetRuns { get; }

    public string GetRunsWithoutData { get; }

    public string GetStep { get; }

    public string GetStepWithoutData { get; }

    public string GetRunHook { get; }

    public string GetWait { get; }

    public string GetEvent { get; }

    public string GetEventWithoutData { get; }

    public string GetHookById { get; }

    public string GetHookByIdWithoutData { get; }

    public string GetHookByToken { get; }

    public string GetHookByTokenWithoutData { get; }

    /// <summary>
    /// One statement that inserts a new run and its first events only if the run id is free, returning whether it
    /// did: run creation commits in a single round trip, and a taken id is reported instead of raising an error.
    /// Parameters: the run ($1..$15), then nine per event.
    /// </summary>
    public string CreateRun(int eventCount) =>
        eventCount >= 1 && eventCount <= _createRun.Length ? _createRun[eventCount - 1] : BuildCreateRun(eventCount);

    private string BuildCreateRun(int eventCount)
    {
        var sql = new System.Text.StringBuilder()
            .Append("WITH created AS (INSERT INTO ").Append(Runs).Append(" (").Append(RunRows.Columns).Append(") VALUES ").Append(RunRows.InsertValues)
            .Append(" ON CONFLICT (run_id) DO NOTHING RETURNING run_id)");
        for (var i = 0; i < eventCount; i++)
        {
            // Each event is inserted only when the run row was (the join with "created" is empty otherwise).
            sql.Append(", e").Append(i).Append(" AS (INSERT INTO ").Append(Events).Append(" (").Append(EventRows.InsertColumns).Append(") SELECT ")
                .Append(EventRows.InsertValues(15 + (i * 9))).Append(" FROM created)");
        }

        return sql.Append(" SELECT count(*)::int FROM created").ToString();
    }
}
