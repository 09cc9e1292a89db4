using Samsa.Protocol.Records;

namespace Samsa.Protocol.Tests.Records;

public class RecordBatchResumeTests
{
    [Theory]
    [MemberData(nameof(TestRecords.EveryCodec), MemberType = typeof(TestRecords))]
    public void Resuming_at_a_mark_reads_the_remaining_records_in_order(CompressionType compression)
    {
        var records = TestRecords.Random(seed: 7, count: 50);
        var batch = TestRecords.BuildBytes(records, new RecordBatchOptions { Compression = compression });
        using var reader = new RecordBatchReader();

        var read = new List<TestRecord>();
        var enumerator = reader.Read(batch);
        while (read.Count < 17 && enumerator.MoveNext())
        {
            read.Add(TestRecord.From(enumerator.Current));
        }

        var mark = enumerator.Mark;
        Assert.Equal(17, mark.Index);
        foreach (var record in reader.Resume(batch, mark, reader.Generation))
        {
            read.Add(TestRecord.From(record));
        }

        Assert.Equal(records.Count, read.Count);
        Assert.All(records.Zip(read), pair => Assert.True(pair.First.SameAs(pair.Second), $"wrote {pair.First}, read {pair.Second}"));
    }

    [Fact]
    public void A_compressed_batch_is_decompressed_again_when_the_reader_opened_another_one_since_the_mark()
    {
        var records = TestRecords.Random(seed: 3, count: 30);
        var first = TestRecords.BuildBytes(records, new RecordBatchOptions { Compression = CompressionType.Zstd });
        var other = TestRecords.BuildBytes(TestRecords.Random(seed: 4, count: 30), new RecordBatchOptions { Compression = CompressionType.Zstd });
        using var reader = new RecordBatchReader();

        var enumerator = reader.Read(first);
        for (var i = 0; i < 10; i++)
        {
            Assert.True(enumerator.MoveNext());
        }

        var (mark, generation) = (enumerator.Mark, reader.Generation);
        foreach (var unused in reader.Read(other))
        {
            _ = unused;
        }

        Assert.NotEqual(generation, reader.Generation);
        var rest = new List<TestRecord>();
        foreach (var record in reader.Resume(first, mark, generation))
        {
            rest.Add(TestRecord.From(record));
        }

        Assert.Equal(20, rest.Count);
        Assert.All(records.Skip(10).Zip(rest), pair => Assert.True(pair.First.SameAs(pair.Second)));
    }

    [Fact]
    public void A_mark_outside_the_batch_is_refused()
    {
        var batch = TestRecords.BuildBytes(TestRecords.Random(seed: 1, count: 3), RecordBatchOptions.Default);
        using var reader = new RecordBatchReader();
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = reader.Resume(batch, new RecordMark(0, 4), reader.Generation).Count; });
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = reader.Resume(batch, new RecordMark(batch.Length, 1), reader.Generation).Count; });
    }
}
