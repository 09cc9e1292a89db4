using System.Buffers.Binary;
using Samsa.Protocol.Records;

namespace Samsa.Protocol.Tests.Records;

public class RecordBatchHeaderTests
{
    [Fact]
    public void Reads_every_field_at_its_wire_position()
    {
        var batch = SampleBatch();
        var header = RecordBatchHeader.Read(batch);

        Assert.Equal(1000L, header.BaseOffset);
        Assert.Equal(batch.Length - RecordBatchHeader.LogOverhead, header.BatchLength);
        Assert.Equal(7, header.PartitionLeaderEpoch);
        Assert.Equal(2, header.Magic);
        Assert.Equal(CompressionType.Zstd, header.Compression);
        Assert.True(header.IsTransactional);
        Assert.False(header.IsControl);
        Assert.Equal(4, header.LastOffsetDelta);
        Assert.Equal(1004L, header.LastOffset);
        Assert.Equal(1_700_000_000_000L, header.BaseTimestamp);
        Assert.Equal(1_700_000_000_500L, header.MaxTimestamp);
        Assert.Equal(42L, header.ProducerId);
        Assert.Equal((short)3, header.ProducerEpoch);
        Assert.Equal(17, header.BaseSequence);
        Assert.Equal(5, header.RecordsCount);
        Assert.True(RecordBatchHeader.IsCrcValid(batch));
    }

    [Fact]
    public void Assigning_offsets_and_epoch_keeps_the_crc_valid()
    {
        var batch = SampleBatch();
        RecordBatchHeader.SetBaseOffset(batch, 99_999);
        RecordBatchHeader.SetPartitionLeaderEpoch(batch, 12);

        Assert.True(RecordBatchHeader.IsCrcValid(batch));
        Assert.Equal(99_999L, RecordBatchHeader.Read(batch).BaseOffset);
        Assert.Equal(12, RecordBatchHeader.Read(batch).PartitionLeaderEpoch);
    }

    [Fact]
    public void Setting_log_append_time_flags_the_batch_and_rechecksums()
    {
        var batch = SampleBatch();
        RecordBatchHeader.SetLogAppendTime(batch, 1_800_000_000_000);

        var header = RecordBatchHeader.Read(batch);
        Assert.True(header.IsLogAppendTime);
        Assert.Equal(1_800_000_000_000L, header.MaxTimestamp);
        Assert.True(RecordBatchHeader.IsCrcValid(batch));
    }

    [Fact]
    public void A_flipped_record_byte_fails_the_crc()
    {
        var batch = SampleBatch();
        batch[^1] ^= 0x01;
        Assert.False(RecordBatchHeader.IsCrcValid(batch));
    }

    private static byte[] SampleBatch()
    {
        var batch = new byte[RecordBatchHeader.Size + 10];
        BinaryPrimitives.WriteInt64BigEndian(batch, 1000);
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(8), batch.Length - RecordBatchHeader.LogOverhead);
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(12), 7);
        batch[16] = 2;
        BinaryPrimitives.WriteInt16BigEndian(batch.AsSpan(21), (short)((short)CompressionType.Zstd | (short)RecordBatchAttributes.Transactional));
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(23), 4);
        BinaryPrimitives.WriteInt64BigEndian(batch.AsSpan(27), 1_700_000_000_000);
        BinaryPrimitives.WriteInt64BigEndian(batch.AsSpan(35), 1_700_000_000_500);
        BinaryPrimitives.WriteInt64BigEndian(batch.AsSpan(43), 42);
        BinaryPrimitives.WriteInt16BigEndian(batch.AsSpan(51), 3);
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(53), 17);
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(57), 5);
        for (var i = RecordBatchHeader.Size; i < batch.Length; i++)
        {
            batch[i] = (byte)i;
        }

        RecordBatchHeader.WriteCrc(batch);
        return batch;
    }
}
