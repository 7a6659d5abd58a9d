using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using World.Serialization;

namespace World.Postgres.Storage;

/// <summary>How values are written to and read from columns: typed positional parameters and null-preserving reads.</summary>
// JSON of the contract's own records through WorldJson.Options; the same known trimming gap as WorldJson (see there).
[UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Contract records only, through WorldJson.Options; see WorldJson.")]
[UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Contract records only, through WorldJson.Options; see WorldJson.")]
internal static class DbValues
{
    public static NpgsqlParameter Text(string? value) => new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };

    public static NpgsqlParameter Integer(int value) => new() { NpgsqlDbType = NpgsqlDbType.Integer, Value = value };

    public static NpgsqlParameter NullableInteger(int? value) => new() { NpgsqlDbType = NpgsqlDbType.Integer, Value = (object?)value ?? DBNull.Value };

    public static NpgsqlParameter NullableBigint(long? value) => new() { NpgsqlDbType = NpgsqlDbType.Bigint, Value = (object?)value ?? DBNull.Value };

    public static NpgsqlParameter TextArrayWithNulls(string?[] values) => new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = values };

    public static NpgsqlParameter Boolean(bool value) => new() { NpgsqlDbType = NpgsqlDbType.Boolean, Value = value };

    public static NpgsqlParameter TextArray(string[]? values) => new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = (object?)values ?? DBNull.Value };

    public static NpgsqlParameter Timestamp(DateTimeOffset? value) =>
        new() { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = value is { } time ? time.ToUniversalTime() : DBNull.Value };

    // A null payload and an empty payload are different values: keep the nullable type explicit end to end.
    public static NpgsqlParameter Bytea(ReadOnlyMemory<byte>? value) =>
        new() { NpgsqlDbType = NpgsqlDbType.Bytea, Value = value is { } bytes ? bytes : DBNull.Value };

    // Without this overload, a null byte[] would convert implicitly to an empty ReadOnlyMemory<byte> and be stored
    // as an empty value instead of NULL.
    public static NpgsqlParameter Bytea(byte[]? value) =>
        new() { NpgsqlDbType = NpgsqlDbType.Bytea, Value = (object?)value ?? DBNull.Value };

    public static NpgsqlParameter JsonText<T>(T value)
        where T : class =>
        new() { NpgsqlDbType = NpgsqlDbType.Text, Value = JsonSerializer.Serialize(value, WorldJson.Options) };

    public static NpgsqlParameter Json<T>(T? value)
        where T : class =>
        Bytea(JsonBytes(value));

    public static byte[]? JsonBytes<T>(T? value)
        where T : class =>
        value is null ? null : JsonSerializer.SerializeToUtf8Bytes(value, WorldJson.Options);

    public static NpgsqlParameter ByteaArray(byte[]?[] values) => new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea, Value = values };

    public static NpgsqlParameter IntegerArray(int[] values) => new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer, Value = values };

    public static NpgsqlParameter TimestampArray(DateTimeOffset[] values) =>
        new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, Value = Array.ConvertAll(values, static time => time.ToUniversalTime()) };

    public static NpgsqlParameter Attributes(IReadOnlyDictionary<string, string>? attributes) =>
        Json(attributes is null || attributes.Count == 0 ? null : attributes);

    public static byte[] TokenHash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    public static ReadOnlyMemory<byte>? ReadBytes(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : (ReadOnlyMemory<byte>?)reader.GetFieldValue<byte[]>(ordinal);

    public static string? ReadText(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static DateTimeOffset ReadTimestamp(NpgsqlDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    public static DateTimeOffset? ReadNullableTimestamp(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);

    public static T? ReadJson<T>(NpgsqlDataReader reader, int ordinal)
        where T : class =>
        reader.IsDBNull(ordinal) ? null : JsonSerializer.Deserialize<T>(reader.GetFieldValue<byte[]>(ordinal), WorldJson.Options);

    public static string Name(RunStatus status) => status switch
    {
        RunStatus.Pending => "pending",
        RunStatus.Running => "running",
        RunStatus.Completed => "completed",
        RunStatus.Failed => "failed",
        RunStatus.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static RunStatus ParseRunStatus(string name) => name switch
    {
        "pending" => RunStatus.Pending,
        "running" => RunStatus.Running,
        "completed" => RunStatus.Completed,
        "failed" => RunStatus.Failed,
        "cancelled" => RunStatus.Cancelled,
        _ => throw new InvalidDataException($"Unknown run status '{name}' in the database."),
    };

    public static string Name(StepStatus status) => status switch
    {
        StepStatus.Pending => "pending",
        StepStatus.Running => "running",
        StepStatus.Completed => "completed",
        StepStatus.Failed => "failed",
        StepStatus.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static StepStatus ParseStepStatus(string name) => name switch
    {
        "pending" => StepStatus.Pending,
        "running" => StepStatus.Running,
        "completed" => StepStatus.Completed,
        "failed" => StepStatus.Failed,
        "cancelled" => StepStatus.Cancelled,
        _ => throw new InvalidDataException($"Unknown step status '{name}' in the database."),
    };

    public static string Name(WaitStatus status) => status switch
    {
        WaitStatus.Waiting => "waiting",
        WaitStatus.Completed => "completed",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static WaitStatus ParseWaitStatus(string name) => name switch
    {
        "waiting" => WaitStatus.Waiting,
        "completed" => WaitStatus.Completed,
        _ => throw new InvalidDataException($"Unknown wait status '{name}' in the database."),
    };
}
