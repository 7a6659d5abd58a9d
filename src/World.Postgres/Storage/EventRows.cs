using Npgsql;

namespace World.Postgres.Storage;

/// <summary>The <c>events</c> table: column lists, row reading and the parameters of the insert.</summary>
internal static class EventRows
{
    public const string Columns = "run_id, event_id, correlation_id, data, payload, created_at, spec_version";

    public const string ColumnsWithoutData = "run_id, event_id, correlation_id, data, NULL::bytea, created_at, spec_version";

    public const string InsertColumns = "run_id, event_id, event_type, correlation_id, data, payload, unique_correlation, created_at, spec_version";

    public static string Select(ResolveData mode) => mode == ResolveData.All ? Columns : ColumnsWithoutData;

    public static WorldEvent Read(NpgsqlDataReader reader) => new()
    {
        RunId = reader.GetString(0),
        EventId = reader.GetString(1),
        CorrelationId = DbValues.ReadText(reader, 2),
        Data = EventPayloads.Attach(EventPayloads.DeserializeData(reader.GetFieldValue<byte[]>(3)), DbValues.ReadBytes(reader, 4)),
        CreatedAt = DbValues.ReadTimestamp(reader, 5),
        SpecVersion = reader.GetInt32(6),
    };

    /// <summary>Adds the nine insert parameters of <paramref name="worldEvent"/>, numbered from <paramref name="parameters"/>' current count.</summary>
    public static void AddInsertParameters(NpgsqlParameterCollection parameters, WorldEvent worldEvent, bool uniqueCorrelation)
    {
        parameters.Add(DbValues.Text(worldEvent.RunId));
        parameters.Add(DbValues.Text(worldEvent.EventId));
        parameters.Add(DbValues.Text(worldEvent.EventType.ToWireName()));
        parameters.Add(DbValues.Text(worldEvent.CorrelationId));
        parameters.Add(DbValues.Bytea(EventPayloads.SerializeData(worldEvent.Data)));
        parameters.Add(DbValues.Bytea(EventPayloads.Extract(worldEvent.Data)));
        parameters.Add(DbValues.Boolean(uniqueCorrelation));
        parameters.Add(DbValues.Timestamp(worldEvent.CreatedAt));
        parameters.Add(DbValues.Integer(worldEvent.SpecVersion));
    }

    /// <summary>The placeholder list <c>($n+1, …, $n+9)</c> for one event whose parameters start after <paramref name="offset"/>.</summary>
    public static string InsertValues(int offset) =>
        string.Join(", ", Enumerable.Range(offset + 1, 9).Select(static i => "$" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
}
