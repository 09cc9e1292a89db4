using Samsa.Protocol.Primitives;
using Samsa.Protocol.Records;

namespace Samsa.GroupCoordinator.Records;

/// <summary>
/// Encodes coordinator records into one uncompressed v2 batch (key = int16 type + key struct; value = int16
/// version + value struct, or null for a tombstone), so a state change is appended atomically.
/// </summary>
internal static class CoordinatorBatchWriter
{
    public static byte[] Build(IReadOnlyList<CoordinatorRecord> records, long timestamp)
    {
        using var builder = new RecordBatchBuilder();
        using var keyWriter = new ProtocolWriter();
        using var valueWriter = new ProtocolWriter();
        foreach (var record in records)
        {
            keyWriter.Reset();
            keyWriter.WriteInt16((short)record.Type);
            record.Key.Write(keyWriter, KeySchemaVersion(record.Type));
            var key = keyWriter.ToArray();
            if (record.Value is null)
            {
                builder.Append(timestamp, key, NullableBytes.Null);
                continue;
            }

            valueWriter.Reset();
            valueWriter.WriteInt16(record.ValueVersion);
            record.Value.Write(valueWriter, record.ValueVersion);
            builder.Append(timestamp, key, valueWriter.ToArray());
        }

        return builder.ToArray();
    }

    /// <summary>The version a key struct is encoded at: the record type itself (Kafka's key schemas are versioned so).</summary>
    internal static short KeySchemaVersion(CoordinatorRecordType type) => (short)type;
}
