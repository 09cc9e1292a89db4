using System.Buffers.Binary;
using Samsa.Protocol.Records;

namespace Samsa.Protocol.Tests.Records;

public class RecordBatchIteratorTests
{
    [Fact]
    public void Yields_every_batch_with_its_position_and_header()
    {
        var batches = Enumerable.Range(0, 4)
            .Select(i => TestRecords.BuildBytes(TestRecords.Random(i, i + 1, baseOffset: i * 10), new RecordBatchOptions { BaseOffset = i * 10, Compression = (CompressionType)i }))
            .ToList();
        var log = RawBatches.Concat([.. batches]);

        var iterator = new RecordBatchIterator(log);
        var position = 0;
        for (var i = 0; i < batches.Count; i++)
        {
            Assert.True(iterator.MoveNext());
            Assert.Equal(position, iterator.Current.Position);
            Assert.Equal(batches[i], iterator.Current.Bytes.ToArray());
            Assert.True(iterator.Current.IsCurrentMagic);
            Assert.Equal(i * 10, iterator.Current.Header.BaseOffset);
            position += batches[i].Length;
        }

        Assert.False(iterator.MoveNext());
        Assert.Equal(RecordBatchIteratorStatus.End, iterator.Status);
        Assert.Equal(log.Length, iterator.ValidBytes);
    }

    [Fact]
    public void Stops_cleanly_at_a_partial_trailing_batch_wherever_it_is_cut()
    {
        var first = TestRecords.BuildBytes(TestRecords.Random(1, 3), RecordBatchOptions.Default);
        var second = TestRecords.BuildBytes(TestRecords.Random(2, 3), RecordBatchOptions.Default);
        var log = RawBatches.Concat(first, second);

        for (var cut = first.Length + 1; cut < log.Length; cut++)
        {
            var iterator = new RecordBatchIterator(log.AsSpan(0, cut));
            Assert.True(iterator.MoveNext());
            Assert.False(iterator.MoveNext());
            Assert.Equal(RecordBatchIteratorStatus.PartialBatch, iterator.Status);
            Assert.Equal(first.Length, iterator.ValidBytes);
        }
    }

    [Fact]
    public void An_empty_range_has_no_batches()
    {
        var iterator = new RecordBatchIterator([]);
        Assert.False(iterator.MoveNext());
        Assert.Equal(RecordBatchIteratorStatus.End, iterator.Status);
        Assert.Equal(0, iterator.ValidBytes);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(48)]
    public void A_length_too_small_for_a_v2_batch_is_a_corrupt_length(int length)
    {
        var log = TestRecords.BuildBytes(TestRecords.Random(1, 2), RecordBatchOptions.Default);
        BinaryPrimitives.WriteInt32BigEndian(log.AsSpan(RecordBatchHeader.BatchLengthOffset), length);
        var iterator = new RecordBatchIterator(log);
        Assert.False(iterator.MoveNext());
        Assert.Equal(RecordBatchIteratorStatus.CorruptLength, iterator.Status);
    }

    [Fact]
    public void A_batch_over_the_size_limit_is_a_corrupt_length()
    {
        var batch = TestRecords.BuildBytes(TestRecords.Random(1, 20), RecordBatchOptions.Default);
        var iterator = new RecordBatchIterator(batch, maxBatchSize: batch.Length - 1);
        Assert.False(iterator.MoveNext());
        Assert.Equal(RecordBatchIteratorStatus.CorruptLength, iterator.Status);
        Assert.True(new RecordBatchIterator(batch, maxBatchSize: batch.Length).MoveNext());
    }

    [Fact]
    public void Frames_old_format_messages_and_reports_their_magic()
    {
        // A v1 message: offset, size, crc, magic 1, attributes, timestamp, null key, 3-byte value.
        var message = new byte[12 + 4 + 1 + 1 + 8 + 4 + 4 + 3];
        BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(8), message.Length - 12);
        message[16] = 1;
        BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(26), -1);
        BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(30), 3);

        var iterator = new RecordBatchIterator(message);
        Assert.True(iterator.MoveNext());
        Assert.Equal(1, iterator.Current.Magic);
        Assert.False(iterator.Current.IsCurrentMagic);
        Assert.False(iterator.MoveNext());
        Assert.Equal(RecordBatchIteratorStatus.End, iterator.Status);
    }

    [Fact]
    public void Works_in_foreach()
    {
        var log = RawBatches.Concat(
            TestRecords.BuildBytes(TestRecords.Random(1, 1), RecordBatchOptions.Default),
            TestRecords.BuildBytes(TestRecords.Random(2, 1), RecordBatchOptions.Default));
        var count = 0;
        foreach (var batch in new RecordBatchIterator(log))
        {
            Assert.True(RecordBatchHeader.IsCrcValid(batch.Bytes));
            count++;
        }

        Assert.Equal(2, count);
    }
}
