using FsCheck.Xunit;
using Samsa.Protocol.Records;

namespace Samsa.Protocol.Tests.Records;

public class RecordBatchRoundTripTests
{
    [Property(MaxTest = 150)]
    public bool Records_and_header_fields_survive_builder_then_reader(
        int seed, byte codec, byte shape, bool transactional, bool control, bool logAppendTime, bool deleteHorizon)
    {
        var compression = (CompressionType)(codec % 5);
        var count = (shape % 4) switch { 0 => 1, 1 => 2, 2 => 17, _ => 150 };
        var baseOffset = (long)(uint)seed * 3;
        var records = TestRecords.Random(seed, count, baseOffset);
        var options = new RecordBatchOptions
        {
            BaseOffset = baseOffset,
            PartitionLeaderEpoch = seed % 100,
            Compression = compression,
            IsTransactional = transactional,
            IsControl = control,
            TimestampType = logAppendTime ? TimestampType.LogAppendTime : TimestampType.CreateTime,
            LogAppendTime = logAppendTime ? 1_800_000_000_000 : -1,
            ProducerId = transactional ? 4242 : -1,
            ProducerEpoch = transactional ? (short)7 : (short)-1,
            BaseSequence = transactional ? 100 : -1,
            DeleteHorizonMs = deleteHorizon ? 1_650_000_000_000 : null,
        };

        var batch = TestRecords.BuildBytes(records, options);
        using var reader = new RecordBatchReader();
        var read = new List<TestRecord>();
        var records2 = reader.Read(batch, out var header);
        foreach (var record in records2)
        {
            read.Add(TestRecord.From(record));
        }

        var header2 = RecordBatchHeader.Read(batch);
        var expectedTimestamps = records.Select(r => logAppendTime ? 1_800_000_000_000 : r.Timestamp).ToList();
        return RecordBatchHeader.IsCrcValid(batch)
            && header2.Magic == 2
            && header2.TotalSize == batch.Length
            && header2.BaseOffset == baseOffset
            && header2.PartitionLeaderEpoch == seed % 100
            && header2.Compression == compression
            && header2.IsTransactional == transactional
            && header2.IsControl == control
            && header2.IsLogAppendTime == logAppendTime
            && header2.HasDeleteHorizon == deleteHorizon
            && header2.BaseTimestamp == (deleteHorizon ? 1_650_000_000_000 : records[0].Timestamp)
            && header2.MaxTimestamp == (logAppendTime ? 1_800_000_000_000 : records.Max(r => r.Timestamp))
            && header2.LastOffsetDelta == count - 1
            && header2.RecordsCount == count
            && header2.ProducerId == options.ProducerId
            && header2.ProducerEpoch == options.ProducerEpoch
            && header2.BaseSequence == options.BaseSequence
            && header.Crc == header2.Crc
            && read.Count == count
            && read.Select((r, i) => r.SameAs(records[i] with { Timestamp = expectedTimestamps[i] })).All(same => same);
    }

    [Theory]
    [MemberData(nameof(TestRecords.EveryCodec), MemberType = typeof(TestRecords))]
    public void Null_and_empty_keys_values_and_header_values_stay_distinct(CompressionType compression)
    {
        var records = new List<TestRecord>
        {
            new(0, 10, null, null, []),
            new(1, 11, [], [], []),
            new(2, 12, null, [], [("a", null), ("", [])]),
            new(3, 13, [], null, [("ключ", [1, 2, 3])]),
        };

        var read = TestRecords.ReadAll(TestRecords.BuildBytes(records, new RecordBatchOptions { Compression = compression }));

        Assert.Equal(records.Count, read.Count);
        for (var i = 0; i < records.Count; i++)
        {
            Assert.True(records[i].SameAs(read[i]), $"record {i}: wrote {records[i]}, read {read[i]}");
        }
    }

    [Fact]
    public void Explicit_offsets_with_gaps_are_kept_and_last_offset_delta_follows_the_last_one()
    {
        var records = new List<TestRecord>
        {
            new(1000, 1, [1], [1], []),
            new(1003, 2, [2], [2], []),
            new(1010, 3, [3], [3], []),
        };

        var batch = TestRecords.BuildBytes(records, new RecordBatchOptions { BaseOffset = 1000 });
        var header = RecordBatchHeader.Read(batch);

        Assert.Equal(10, header.LastOffsetDelta);
        Assert.Equal(3, header.RecordsCount);
        Assert.Equal([1000L, 1003L, 1010L], TestRecords.ReadAll(batch).Select(r => r.Offset));
    }

    [Fact]
    public void Offsets_must_increase_within_a_batch()
    {
        using var builder = new RecordBatchBuilder(new RecordBatchOptions { BaseOffset = 10 });
        byte[] one = [1];
        builder.AppendWithOffset(12, 0, one, one, []);
        Assert.Throws<ArgumentOutOfRangeException>(() => builder.AppendWithOffset(12, 0, one, one, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => builder.AppendWithOffset(9, 0, one, one, []));
        Assert.Equal(13, builder.NextOffset);
    }

    [Fact]
    public void Append_returns_consecutive_offsets_from_the_base_offset()
    {
        using var builder = new RecordBatchBuilder(new RecordBatchOptions { BaseOffset = 500 });
        Assert.Equal(500, builder.Append(1, "k"u8, "v"u8));
        Assert.Equal(501, builder.Append(2, NullableBytes.Null, "v"u8));
        Assert.Equal(2, builder.Count);
    }

    [Fact]
    public void Headers_copied_still_encoded_from_a_read_record_come_out_the_same()
    {
        var source = TestRecords.BuildBytes(
            [new TestRecord(0, 5, [9], [8], [("x", [1]), ("y", null), ("z", [])])],
            RecordBatchOptions.Default);

        using var reader = new RecordBatchReader();
        using var copy = new RecordBatchBuilder(new RecordBatchOptions { Compression = CompressionType.Zstd });
        foreach (var record in reader.Read(source))
        {
            copy.Append(record.Timestamp, record.Key, record.Value, record.Headers);
        }

        var copied = TestRecords.ReadAll(copy.ToArray());
        Assert.True(TestRecords.ReadAll(source)[0].SameAs(copied[0]));
    }

    [Fact]
    public void Reset_starts_a_new_batch_with_the_same_builder()
    {
        using var builder = new RecordBatchBuilder();
        builder.Append(1, "a"u8, "b"u8);
        builder.Append(2, "c"u8, "d"u8);
        builder.Reset(new RecordBatchOptions { BaseOffset = 7, Compression = CompressionType.Lz4 });
        builder.Append(3, "e"u8, "f"u8);

        var batch = builder.ToArray();
        var header = RecordBatchHeader.Read(batch);
        Assert.Equal(1, header.RecordsCount);
        Assert.Equal(7, header.BaseOffset);
        Assert.Equal(CompressionType.Lz4, header.Compression);
        Assert.Equal(7, Assert.Single(TestRecords.ReadAll(batch)).Offset);
    }

    [Fact]
    public void Writing_twice_gives_the_same_bytes_and_the_reported_size()
    {
        using var builder = TestRecords.Build(TestRecords.Random(5, 40), new RecordBatchOptions { Compression = CompressionType.Gzip });
        var first = builder.ToArray();
        Assert.Equal(first, builder.ToArray());
        Assert.Equal(first.Length, builder.GetSizeInBytes());
    }

    [Theory]
    [MemberData(nameof(TestRecords.EveryCodec), MemberType = typeof(TestRecords))]
    public void Finishing_in_place_gives_the_bytes_writing_gives(CompressionType compression)
    {
        var options = new RecordBatchOptions { BaseOffset = 42, Compression = compression, PartitionLeaderEpoch = 3 };
        using var builder = TestRecords.Build(TestRecords.Random(11, 200, 42), options);
        var written = builder.ToArray();
        var finished = builder.Finish().ToArray();

        Assert.Equal(written, finished);
        Assert.True(RecordBatchHeader.IsCrcValid(finished));
        if (compression == CompressionType.None)
        {
            Assert.Equal(written.Length, builder.UncompressedSize);
        }

        Assert.Equal(200, TestRecords.ReadAll(finished).Count);
    }

    [Fact]
    public void Finish_after_reset_and_more_records_holds_only_the_new_batch()
    {
        using var builder = new RecordBatchBuilder();
        builder.Append(1, "a"u8, "b"u8);
        Assert.Equal(1, RecordBatchHeader.Read(builder.Finish().Span).RecordsCount);
        builder.Reset(new RecordBatchOptions { BaseOffset = 9 });
        builder.Append(2, "c"u8, "d"u8);
        builder.Append(3, "e"u8, "f"u8);

        var batch = builder.Finish().ToArray();
        Assert.True(RecordBatchHeader.IsCrcValid(batch));
        Assert.Equal(new long[] { 9, 10 }, TestRecords.ReadAll(batch).Select(r => r.Offset));
        Assert.Equal(batch.Length, builder.UncompressedSize);
        Assert.Throws<InvalidOperationException>(() => new RecordBatchBuilder().Finish());
    }

    [Fact]
    public void A_batch_without_records_cannot_be_built_but_an_empty_batch_can_be_written()
    {
        using var builder = new RecordBatchBuilder();
        Assert.Throws<InvalidOperationException>(() => builder.ToArray());

        var output = new System.Buffers.ArrayBufferWriter<byte>();
        var options = new RecordBatchOptions { BaseOffset = 100, ProducerId = 9, ProducerEpoch = 1, BaseSequence = 40, IsTransactional = true, Compression = CompressionType.Zstd };
        RecordBatchBuilder.WriteEmptyBatch(output, options, lastOffset: 104, timestamp: 1234);
        var batch = output.WrittenSpan.ToArray();
        var header = RecordBatchHeader.Read(batch);

        Assert.Equal(RecordBatchHeader.Size, batch.Length);
        Assert.True(RecordBatchHeader.IsCrcValid(batch));
        Assert.Equal(0, header.RecordsCount);
        Assert.Equal(4, header.LastOffsetDelta);
        Assert.Equal(104, header.LastOffset);
        Assert.Equal(CompressionType.None, header.Compression);
        Assert.True(header.IsTransactional);
        Assert.Equal(1234, header.BaseTimestamp);
        Assert.Equal(1234, header.MaxTimestamp);
        Assert.Empty(TestRecords.ReadAll(batch));
    }

    [Fact]
    public void Writes_into_a_protocol_writer_like_any_buffer_writer()
    {
        using var builder = TestRecords.Build(TestRecords.Random(9, 300), new RecordBatchOptions { Compression = CompressionType.Snappy });
        using var writer = new Samsa.Protocol.Primitives.ProtocolWriter();
        writer.WriteInt32(builder.GetSizeInBytes());
        builder.WriteTo(writer);

        var frame = writer.ToArray();
        Assert.Equal(builder.ToArray(), frame[4..]);
    }
}
