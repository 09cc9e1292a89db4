using Samsa.Protocol.Errors;
using Samsa.Protocol.Records;

namespace Samsa.Protocol.Tests.Records;

public class RecordEnumeratorTests
{
    [Fact]
    public void Well_formed_hand_encoded_records_read_back()
    {
        var batch = RawBatches.Wrap(RawBatches.Concat(RawBatches.Record(0), RawBatches.Record(1, keyLength: -1, valueLength: 5)), count: 2);
        var records = TestRecords.ReadAll(batch);
        Assert.Equal(2, records.Count);
        Assert.Null(records[1].Key);
        Assert.Equal(5, records[1].Value!.Length);
    }

    [Fact]
    public void Fewer_records_than_declared_is_an_invalid_record()
    {
        AssertInvalid(RawBatches.Wrap(RawBatches.Record(0), count: 2), "end after 1");
    }

    [Fact]
    public void Bytes_left_after_the_declared_records_are_an_invalid_record()
    {
        AssertInvalid(RawBatches.Wrap(RawBatches.Concat(RawBatches.Record(0), RawBatches.Record(1)), count: 1), "remain");
    }

    [Fact]
    public void A_record_length_past_the_end_of_the_batch_is_an_invalid_record()
    {
        AssertInvalid(RawBatches.Wrap(RawBatches.Record(declaredLength: 500), count: 1), "does not fit");
    }

    [Fact]
    public void A_negative_record_length_is_an_invalid_record()
    {
        AssertInvalid(RawBatches.Wrap(RawBatches.Record(declaredLength: -3), count: 1), "does not fit");
    }

    [Fact]
    public void A_record_whose_fields_do_not_fill_its_declared_length_is_an_invalid_record()
    {
        var record = RawBatches.Record();
        var longer = RawBatches.Record(declaredLength: record.Length); // one byte more than the fields take
        AssertInvalid(RawBatches.Wrap(RawBatches.Concat(longer, [0]), count: 1), "fields take");
    }

    [Fact]
    public void A_key_running_past_its_record_is_an_invalid_record()
    {
        AssertInvalid(RawBatches.Wrap(RawBatches.Record(keyLength: 1, declaredLength: 4), count: 1), "truncated");
    }

    [Fact]
    public void A_key_length_below_minus_one_is_an_invalid_record()
    {
        AssertInvalid(RawBatches.Wrap(RawBatches.Record(keyLength: -2), count: 1), "negative length");
    }

    [Fact]
    public void A_negative_header_count_is_an_invalid_record()
    {
        AssertInvalid(RawBatches.Wrap(RawBatches.Record(headerCount: -1), count: 1), "headers");
    }

    [Fact]
    public void A_huge_header_count_fails_fast_on_the_bytes_available()
    {
        AssertInvalid(RawBatches.Wrap(RawBatches.Record(headerCount: int.MaxValue), count: 1), "truncated");
    }

    [Fact]
    public void A_negative_header_key_length_is_an_invalid_record()
    {
        AssertInvalid(RawBatches.Wrap(RawBatches.Record(headerCount: 1, headers: w => { w.WriteVarInt(-1); w.WriteVarInt(-1); }), count: 1), "header key");
    }

    [Fact]
    public void A_varint_longer_than_five_bytes_is_an_invalid_record()
    {
        AssertInvalid(RawBatches.Wrap([0x80, 0x80, 0x80, 0x80, 0x80, 0x01], count: 1), "varint");
    }

    [Fact]
    public void A_negative_declared_count_is_an_invalid_record()
    {
        AssertInvalid(RawBatches.Wrap(RawBatches.Record(), count: -1), "record count");
    }

    [Fact]
    public void Reading_a_batch_of_an_old_magic_is_refused()
    {
        var batch = RawBatches.Wrap(RawBatches.Record(), count: 1);
        batch[RecordBatchHeader.MagicOffset] = 1;
        using var reader = new RecordBatchReader();
        var e = Assert.Throws<KafkaErrorException>(() => reader.Read(batch));
        Assert.Equal(ErrorCode.InvalidRecord, e.ErrorCode);
    }

    [Fact]
    public void Reading_a_batch_shorter_than_its_length_field_is_a_corrupt_message()
    {
        var batch = RawBatches.Wrap(RawBatches.Record(), count: 1);
        using var reader = new RecordBatchReader();
        var e = Assert.Throws<KafkaErrorException>(() => reader.Read(batch.AsSpan(0, batch.Length - 1)));
        Assert.Equal(ErrorCode.CorruptMessage, e.ErrorCode);
    }

    [Fact]
    public void A_compressed_batch_that_does_not_decompress_is_a_corrupt_message()
    {
        var batch = RawBatches.Wrap([1, 2, 3, 4, 5, 6, 7, 8, 9], count: 1, attributes: (short)CompressionType.Zstd);
        using var reader = new RecordBatchReader();
        var e = Assert.Throws<KafkaErrorException>(() => reader.Read(batch));
        Assert.Equal(ErrorCode.CorruptMessage, e.ErrorCode);
    }

    [Fact]
    public void A_compressed_batch_over_the_readers_limit_is_message_too_large()
    {
        using var builder = new RecordBatchBuilder(new RecordBatchOptions { Compression = CompressionType.Gzip });
        builder.Append(0, NullableBytes.Null, new byte[100_000]);
        using var reader = new RecordBatchReader(maxDecompressedSize: 50_000);
        var e = Assert.Throws<KafkaErrorException>(() => reader.Read(builder.ToArray()));
        Assert.Equal(ErrorCode.MessageTooLarge, e.ErrorCode);
    }

    [Fact]
    public void Log_append_time_batches_give_every_record_the_batch_max_timestamp()
    {
        var options = new RecordBatchOptions { TimestampType = TimestampType.LogAppendTime, LogAppendTime = 99_999 };
        var batch = TestRecords.BuildBytes(TestRecords.Random(1, 5), options);
        Assert.All(TestRecords.ReadAll(batch), r => Assert.Equal(99_999, r.Timestamp));
    }

    private static void AssertInvalid(byte[] batch, string messagePart)
    {
        var e = Assert.Throws<KafkaErrorException>(() => TestRecords.ReadAll(batch));
        Assert.Equal(ErrorCode.InvalidRecord, e.ErrorCode);
        Assert.Contains(messagePart, e.Message, StringComparison.Ordinal);
    }
}
