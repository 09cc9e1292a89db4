using System.Buffers.Binary;
using Samsa.Protocol.Primitives;
using Samsa.Protocol.Records;

namespace Samsa.Protocol.Tests.Records;

/// <summary>Hand-assembled batches, for feeding readers and validators bytes no builder would write.</summary>
internal static class RawBatches
{
    /// <summary>A v2 batch around <paramref name="records"/> (already encoded) with a correct length and CRC.</summary>
    public static byte[] Wrap(byte[] records, int count, int lastOffsetDelta = -2, short attributes = 0, long baseOffset = 0)
    {
        var batch = new byte[RecordBatchHeader.Size + records.Length];
        BinaryPrimitives.WriteInt64BigEndian(batch, baseOffset);
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(RecordBatchHeader.BatchLengthOffset), batch.Length - RecordBatchHeader.LogOverhead);
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(RecordBatchHeader.PartitionLeaderEpochOffset), -1);
        batch[RecordBatchHeader.MagicOffset] = 2;
        BinaryPrimitives.WriteInt16BigEndian(batch.AsSpan(RecordBatchHeader.AttributesOffset), attributes);
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(RecordBatchHeader.LastOffsetDeltaOffset), lastOffsetDelta == -2 ? count - 1 : lastOffsetDelta);
        BinaryPrimitives.WriteInt64BigEndian(batch.AsSpan(RecordBatchHeader.BaseTimestampOffset), 1000);
        BinaryPrimitives.WriteInt64BigEndian(batch.AsSpan(RecordBatchHeader.MaxTimestampOffset), 1000);
        BinaryPrimitives.WriteInt64BigEndian(batch.AsSpan(RecordBatchHeader.ProducerIdOffset), -1);
        BinaryPrimitives.WriteInt16BigEndian(batch.AsSpan(RecordBatchHeader.ProducerEpochOffset), -1);
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(RecordBatchHeader.BaseSequenceOffset), -1);
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(RecordBatchHeader.RecordsCountOffset), count);
        records.CopyTo(batch, RecordBatchHeader.Size);
        RecordBatchHeader.WriteCrc(batch);
        return batch;
    }

    /// <summary>Encodes one record's body with the given fields and prefixes it with <paramref name="declaredLength"/> (or its true length).</summary>
    public static byte[] Record(
        int offsetDelta = 0,
        int keyLength = 1,
        int valueLength = 1,
        int headerCount = 0,
        Action<ProtocolWriter>? headers = null,
        int? declaredLength = null)
    {
        using var body = new ProtocolWriter();
        body.WriteInt8(0);
        body.WriteVarLong(0);
        body.WriteVarInt(offsetDelta);
        body.WriteVarInt(keyLength);
        body.WriteRaw(new byte[Math.Max(keyLength, 0)]);
        body.WriteVarInt(valueLength);
        body.WriteRaw(new byte[Math.Max(valueLength, 0)]);
        body.WriteVarInt(headerCount);
        headers?.Invoke(body);
        var bytes = body.ToArray();

        using var record = new ProtocolWriter();
        record.WriteVarInt(declaredLength ?? bytes.Length);
        record.WriteRaw(bytes);
        return record.ToArray();
    }

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}
