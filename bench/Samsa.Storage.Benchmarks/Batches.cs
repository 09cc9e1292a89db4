using System.Buffers.Binary;
using Samsa.Protocol.Records;

namespace Samsa.Storage.Benchmarks;

internal static class Batches
{
    /// <summary>A valid v2 batch of <paramref name="totalBytes"/> with opaque record bytes.</summary>
    public static byte[] Create(int totalBytes, int records, long timestamp)
    {
        var batch = new byte[totalBytes];
        Random.Shared.NextBytes(batch.AsSpan(RecordBatchHeader.Size));
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(RecordBatchHeader.BatchLengthOffset), totalBytes - RecordBatchHeader.LogOverhead);
        batch[RecordBatchHeader.MagicOffset] = RecordBatchHeader.CurrentMagic;
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(RecordBatchHeader.LastOffsetDeltaOffset), records - 1);
        BinaryPrimitives.WriteInt64BigEndian(batch.AsSpan(RecordBatchHeader.BaseTimestampOffset), timestamp);
        BinaryPrimitives.WriteInt64BigEndian(batch.AsSpan(RecordBatchHeader.MaxTimestampOffset), timestamp);
        BinaryPrimitives.WriteInt64BigEndian(batch.AsSpan(RecordBatchHeader.ProducerIdOffset), -1);
        BinaryPrimitives.WriteInt16BigEndian(batch.AsSpan(RecordBatchHeader.ProducerEpochOffset), -1);
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(RecordBatchHeader.BaseSequenceOffset), -1);
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(RecordBatchHeader.RecordsCountOffset), records);
        RecordBatchHeader.WriteCrc(batch);
        return batch;
    }
}
