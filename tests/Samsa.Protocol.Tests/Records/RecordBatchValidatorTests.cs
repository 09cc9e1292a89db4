using System.Buffers.Binary;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Records;

namespace Samsa.Protocol.Tests.Records;

public class RecordBatchValidatorTests
{
    private static readonly RecordBatchValidationOptions DecodeAll = RecordBatchValidationOptions.Produce with { DecodeRecords = true };

    [Theory]
    [MemberData(nameof(TestRecords.EveryCodec), MemberType = typeof(TestRecords))]
    public void A_producers_batch_is_valid_with_and_without_decoding(CompressionType compression)
    {
        var records = TestRecords.Random(3, 30);
        var batch = ProducerBatch(records, compression);

        var quick = RecordBatchValidator.ValidateProduceRecords(batch, RecordBatchValidationOptions.Produce);
        Assert.True(quick.IsValid, quick.Message);
        Assert.False(quick.RecordsDecoded);
        Assert.Equal(batch.Length, quick.BatchSize);

        var full = RecordBatchValidator.ValidateProduceRecords(batch, DecodeAll);
        Assert.True(full.IsValid, full.Message);
        Assert.True(full.RecordsDecoded);
        Assert.True(full.HasSequentialOffsets);
        Assert.Equal(records.Max(r => r.Timestamp), full.MaxTimestamp);
        Assert.Equal(-1, full.RecordIndex);
    }

    [Fact]
    public void A_flipped_bit_anywhere_after_the_crc_field_is_a_corrupt_message()
    {
        var batch = ProducerBatch(TestRecords.Random(4, 5), CompressionType.Lz4);
        foreach (var position in new[] { RecordBatchHeader.AttributesOffset, RecordBatchHeader.RecordsCountOffset, RecordBatchHeader.Size + 3, batch.Length - 1 })
        {
            var damaged = (byte[])batch.Clone();
            damaged[position] ^= 0x10;
            AssertError(ErrorCode.CorruptMessage, RecordBatchValidator.ValidateBatch(damaged, RecordBatchValidationOptions.Log), "CRC");
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    public void Magic_other_than_two_is_an_invalid_record_as_kafka_4_answers(byte magic)
    {
        var batch = ProducerBatch(TestRecords.Random(4, 5), CompressionType.None);
        batch[RecordBatchHeader.MagicOffset] = magic;
        AssertError(ErrorCode.InvalidRecord, RecordBatchValidator.ValidateProduceRecords(batch, RecordBatchValidationOptions.Produce), "magic");
        AssertError(ErrorCode.InvalidRecord, RecordBatchValidator.ValidateBatch(batch, RecordBatchValidationOptions.Log), "magic");
    }

    [Fact]
    public void A_truncated_batch_is_a_corrupt_message()
    {
        var batch = ProducerBatch(TestRecords.Random(4, 5), CompressionType.None);
        AssertError(ErrorCode.CorruptMessage, RecordBatchValidator.ValidateBatch(batch.AsSpan(0, batch.Length - 1), RecordBatchValidationOptions.Log), "batchLength");
        AssertError(ErrorCode.CorruptMessage, RecordBatchValidator.ValidateBatch(batch.AsSpan(0, 40), RecordBatchValidationOptions.Log), "smaller");
    }

    [Fact]
    public void A_batch_length_field_disagreeing_with_the_bytes_is_a_corrupt_message()
    {
        var batch = ProducerBatch(TestRecords.Random(4, 5), CompressionType.None);
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(RecordBatchHeader.BatchLengthOffset), batch.Length);
        AssertError(ErrorCode.CorruptMessage, RecordBatchValidator.ValidateBatch(batch, RecordBatchValidationOptions.Log), "batchLength");
    }

    [Fact]
    public void A_produce_record_set_without_a_whole_batch_is_an_invalid_record()
    {
        var batch = ProducerBatch(TestRecords.Random(4, 5), CompressionType.None);
        AssertError(ErrorCode.InvalidRecord, RecordBatchValidator.ValidateProduceRecords([], RecordBatchValidationOptions.Produce), "one record batch");
        AssertError(ErrorCode.InvalidRecord, RecordBatchValidator.ValidateProduceRecords(batch.AsSpan(0, batch.Length - 1), RecordBatchValidationOptions.Produce), "one record batch");
    }

    [Fact]
    public void A_produce_record_set_with_two_batches_is_an_invalid_record()
    {
        var batch = ProducerBatch(TestRecords.Random(4, 5), CompressionType.None);
        AssertError(ErrorCode.InvalidRecord, RecordBatchValidator.ValidateProduceRecords(RawBatches.Concat(batch, batch), RecordBatchValidationOptions.Produce), "only one");
    }

    [Fact]
    public void A_trailing_fragment_after_the_batch_is_left_out_as_kafka_trims_it()
    {
        var batch = ProducerBatch(TestRecords.Random(4, 5), CompressionType.None);
        var result = RecordBatchValidator.ValidateProduceRecords(RawBatches.Concat(batch, batch[..30]), RecordBatchValidationOptions.Produce);
        Assert.True(result.IsValid, result.Message);
        Assert.Equal(batch.Length, result.BatchSize);
    }

    [Fact]
    public void An_impossible_first_length_is_a_corrupt_message()
    {
        var batch = ProducerBatch(TestRecords.Random(4, 5), CompressionType.None);
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(RecordBatchHeader.BatchLengthOffset), 3);
        AssertError(ErrorCode.CorruptMessage, RecordBatchValidator.ValidateProduceRecords(batch, RecordBatchValidationOptions.Produce), "impossible");
    }

    [Fact]
    public void A_batch_over_max_message_bytes_is_message_too_large()
    {
        var batch = ProducerBatch(TestRecords.Random(4, 5), CompressionType.None);
        var options = RecordBatchValidationOptions.Produce with { MaxBatchSize = batch.Length - 1 };
        AssertError(ErrorCode.MessageTooLarge, RecordBatchValidator.ValidateProduceRecords(batch, options), "limit");
        Assert.True(RecordBatchValidator.ValidateProduceRecords(batch, options with { MaxBatchSize = batch.Length }).IsValid);
    }

    [Fact]
    public void A_produced_batch_must_start_at_offset_zero()
    {
        var batch = TestRecords.BuildBytes(TestRecords.Random(4, 5, baseOffset: 10), new RecordBatchOptions { BaseOffset = 10 });
        AssertError(ErrorCode.InvalidRecord, RecordBatchValidator.ValidateBatch(batch, RecordBatchValidationOptions.Produce), "base offset");
        Assert.True(RecordBatchValidator.ValidateBatch(batch, RecordBatchValidationOptions.Log).IsValid);
    }

    [Fact]
    public void A_record_count_disagreeing_with_the_offset_range_is_an_invalid_record_from_clients_only()
    {
        var records = RawBatches.Concat(RawBatches.Record(0), RawBatches.Record(1));
        var gap = RawBatches.Wrap(records, count: 2, lastOffsetDelta: 5);
        AssertError(ErrorCode.InvalidRecord, RecordBatchValidator.ValidateBatch(gap, RecordBatchValidationOptions.Produce), "record count");
        Assert.True(RecordBatchValidator.ValidateBatch(gap, RecordBatchValidationOptions.Log).IsValid);
    }

    [Fact]
    public void A_produced_batch_with_no_records_is_an_invalid_record()
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        RecordBatchBuilder.WriteEmptyBatch(output, RecordBatchOptions.Default, lastOffset: 0, timestamp: 0);
        AssertError(ErrorCode.InvalidRecord, RecordBatchValidator.ValidateBatch(output.WrittenSpan, RecordBatchValidationOptions.Produce), "record count");
        Assert.True(RecordBatchValidator.ValidateBatch(output.WrittenSpan, RecordBatchValidationOptions.Log).IsValid);
    }

    [Fact]
    public void Clients_may_not_write_control_batches()
    {
        using var builder = new RecordBatchBuilder(new RecordBatchOptions { IsControl = true, IsTransactional = true, ProducerId = 1, ProducerEpoch = 0, BaseSequence = 0 });
        builder.AppendEndTransactionMarker(0, EndTransactionMarker.Commit(1));
        AssertError(ErrorCode.InvalidRecord, RecordBatchValidator.ValidateBatch(builder.ToArray(), RecordBatchValidationOptions.Produce), "control");
        Assert.True(RecordBatchValidator.ValidateBatch(builder.ToArray(), RecordBatchValidationOptions.Log with { DecodeRecords = true }).IsValid);
    }

    [Fact]
    public void An_idempotent_batch_needs_a_base_sequence()
    {
        var batch = TestRecords.BuildBytes(TestRecords.Random(4, 2), new RecordBatchOptions { ProducerId = 12, ProducerEpoch = 0, BaseSequence = -1 });
        AssertError(ErrorCode.InvalidRecord, RecordBatchValidator.ValidateBatch(batch, RecordBatchValidationOptions.Produce), "sequence");
    }

    [Fact]
    public void Decoding_reports_a_malformed_record_at_its_index()
    {
        var records = RawBatches.Concat(RawBatches.Record(0), RawBatches.Record(1, keyLength: -7));
        var batch = RawBatches.Wrap(records, count: 2);
        var result = RecordBatchValidator.ValidateBatch(batch, DecodeAll);
        AssertError(ErrorCode.InvalidRecord, result, "negative length");
        Assert.Equal(1, result.RecordIndex);
        Assert.True(RecordBatchValidator.ValidateBatch(batch, RecordBatchValidationOptions.Produce).IsValid);
    }

    [Fact]
    public void Decoding_a_batch_that_does_not_decompress_is_a_corrupt_message()
    {
        var batch = RawBatches.Wrap([1, 2, 3, 4, 5, 6, 7, 8], count: 1, attributes: (short)CompressionType.Snappy);
        var result = RecordBatchValidator.ValidateBatch(batch, DecodeAll);
        AssertError(ErrorCode.CorruptMessage, result, "Snappy");
        Assert.Equal(-1, result.RecordIndex);
    }

    [Fact]
    public void Decoding_a_bomb_is_message_too_large()
    {
        using var builder = new RecordBatchBuilder(new RecordBatchOptions { Compression = CompressionType.Zstd });
        builder.Append(0, NullableBytes.Null, new byte[4 * 1024 * 1024]);
        var result = RecordBatchValidator.ValidateBatch(builder.ToArray(), DecodeAll with { MaxDecompressedSize = 1024 * 1024 });
        AssertError(ErrorCode.MessageTooLarge, result, "limit");
    }

    [Fact]
    public void Record_offsets_out_of_sequence_are_reported_and_refused_on_request()
    {
        var records = RawBatches.Concat(RawBatches.Record(0), RawBatches.Record(2));
        var batch = RawBatches.Wrap(records, count: 2, attributes: 0);

        var reported = RecordBatchValidator.ValidateBatch(batch, DecodeAll);
        Assert.True(reported.IsValid, reported.Message);
        Assert.False(reported.HasSequentialOffsets);

        var refused = RecordBatchValidator.ValidateBatch(batch, DecodeAll with { RequireSequentialOffsets = true });
        AssertError(ErrorCode.InvalidRecord, refused, "offset delta");
        Assert.Equal(1, refused.RecordIndex);
    }

    [Fact]
    public void A_compacted_topic_refuses_records_without_keys()
    {
        var batch = ProducerBatch([new TestRecord(0, 1, [1], [1], []), new TestRecord(1, 1, null, [1], [])], CompressionType.Gzip);
        var result = RecordBatchValidator.ValidateBatch(batch, DecodeAll with { RequireKeys = true });
        AssertError(ErrorCode.InvalidRecord, result, "key");
        Assert.Equal(1, result.RecordIndex);
    }

    [Fact]
    public void Timestamps_outside_the_topics_window_are_invalid_timestamps()
    {
        var clock = new FixedClock(1_700_000_000_000);
        var options = DecodeAll with { Clock = clock, TimestampBeforeMaxMs = 60_000, TimestampAfterMaxMs = 1_000 };
        var now = clock.Now;

        Assert.True(RecordBatchValidator.ValidateBatch(ProducerBatch([Record(now - 60_000), Record(now + 1_000)], CompressionType.None), options).IsValid);

        var tooOld = RecordBatchValidator.ValidateBatch(ProducerBatch([Record(now), Record(now - 60_001)], CompressionType.None), options);
        AssertError(ErrorCode.InvalidTimestamp, tooOld, "out of range");
        Assert.Equal(1, tooOld.RecordIndex);

        AssertError(ErrorCode.InvalidTimestamp, RecordBatchValidator.ValidateBatch(ProducerBatch([Record(now + 1_001)], CompressionType.Lz4), options), "out of range");

        // A record without a timestamp (-1) is not range-checked.
        Assert.True(RecordBatchValidator.ValidateBatch(ProducerBatch([Record(-1)], CompressionType.None), options).IsValid);
    }

    [Fact]
    public void A_producer_may_not_send_log_append_time_where_it_is_not_overwritten()
    {
        var batch = TestRecords.BuildBytes([new TestRecord(0, -1, [1], [1], [])], new RecordBatchOptions { TimestampType = TimestampType.LogAppendTime, LogAppendTime = -1 });
        AssertError(ErrorCode.InvalidTimestamp, RecordBatchValidator.ValidateBatch(batch, DecodeAll), "LogAppendTime");
    }

    [Fact]
    public void A_reused_reader_serves_many_validations()
    {
        using var reader = new RecordBatchReader();
        for (var i = 0; i < 10; i++)
        {
            var batch = ProducerBatch(TestRecords.Random(i, 20), (CompressionType)(i % 5));
            Assert.True(RecordBatchValidator.ValidateProduceRecords(batch, DecodeAll, reader).IsValid);
        }
    }

    private static TestRecord Record(long timestamp) => new(0, timestamp, [1], [2], []);

    private static byte[] ProducerBatch(IReadOnlyList<TestRecord> records, CompressionType compression)
    {
        var renumbered = records.Select((r, i) => r with { Offset = i }).ToList();
        return TestRecords.BuildBytes(renumbered, new RecordBatchOptions { Compression = compression });
    }

    private static void AssertError(ErrorCode expected, RecordBatchValidationResult result, string messagePart)
    {
        Assert.False(result.IsValid, "expected the batch to be refused");
        Assert.Equal(expected, result.Error);
        Assert.Contains(messagePart, result.Message, StringComparison.OrdinalIgnoreCase);
    }

    private sealed class FixedClock(long nowMs) : TimeProvider
    {
        public long Now => nowMs;

        public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(nowMs);
    }
}
