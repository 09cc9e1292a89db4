using System.Buffers.Binary;
using Samsa.Protocol.Records;

namespace Samsa.Storage.Tests;

/// <summary>Valid v2 record batches for tests: a real header and CRC over opaque record bytes.</summary>
internal static class TestBatches
{
    public static byte[] Create(int recordCount, int payloadBytes, long timestamp, byte fill = 0xAB, long baseOffset = 0, int epoch = -1, long maxTimestamp = -1)
    {
        var batch = new byte[RecordBatchHeader.Size + payloadBytes];
        BinaryPrimitives.WriteInt64BigEndian(batch, baseOffset);
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(RecordBatchHeader.BatchLengthOffset), batch.Length - RecordBatchHeader.LogOverhead);
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(RecordBatchHeader.PartitionLeaderEpochOffset), epoch);
        batch[RecordBatchHeader.MagicOffset] = RecordBatchHeader.CurrentMagic;
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(RecordBatchHeader.LastOffsetDeltaOffset), recordCount - 1);
        BinaryPrimitives.WriteInt64BigEndian(batch.AsSpan(RecordBatchHeader.BaseTimestampOffset), timestamp);
        BinaryPrimitives.WriteInt64BigEndian(batch.AsSpan(RecordBatchHeader.MaxTimestampOffset), maxTimestamp < 0 ? timestamp : maxTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(batch.AsSpan(RecordBatchHeader.ProducerIdOffset), -1);
        BinaryPrimitives.WriteInt16BigEndian(batch.AsSpan(RecordBatchHeader.ProducerEpochOffset), -1);
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(RecordBatchHeader.BaseSequenceOffset), -1);
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(RecordBatchHeader.RecordsCountOffset), recordCount);
        for (var i = RecordBatchHeader.Size; i < batch.Length; i++)
        {
            batch[i] = (byte)(fill + i);
        }

        RecordBatchHeader.WriteCrc(batch);
        return batch;
    }

    /// <summary>Batch number <paramref name="index"/> of a reproducible sequence (same bytes in a child process and the test).</summary>
    public static byte[] Deterministic(int index) =>
        Create(1 + (index % 7), 100 + ((index * 7919) % 3000), 1_700_000_000_000 + index, (byte)index);

    /// <summary>The batch's bytes with base offset and leader epoch zeroed, for comparing content across offset assignment.</summary>
    public static byte[] WithoutOffsetAndEpoch(ReadOnlySpan<byte> batch)
    {
        var copy = batch.ToArray();
        RecordBatchHeader.SetBaseOffset(copy, 0);
        RecordBatchHeader.SetPartitionLeaderEpoch(copy, 0);
        return copy;
    }

    /// <summary>Splits concatenated batches into their headers and bytes.</summary>
    public static List<(RecordBatchHeader Header, byte[] Bytes)> Split(ReadOnlySpan<byte> bytes)
    {
        var result = new List<(RecordBatchHeader, byte[])>();
        while (bytes.Length > 0)
        {
            var header = RecordBatchHeader.Read(bytes);
            result.Add((header, bytes[..header.TotalSize].ToArray()));
            bytes = bytes[header.TotalSize..];
        }

        return result;
    }
}
