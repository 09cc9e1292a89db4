using Samsa.Protocol.Buffers;
using Samsa.Protocol.Records;

namespace Samsa.Protocol.Tests.Records;

/// <summary>
/// The hot-path promise, checked by counting this thread's allocations: building and reading a batch allocates
/// the same whether it holds 100 records or 10,000, i.e. nothing per record. (Snappier allocates a few hundred
/// bytes per 32 KiB snappy block it compresses or decompresses: per block, whatever the records, and allowed for.)
/// </summary>
public class AllocationTests
{
    [Theory]
    [MemberData(nameof(TestRecords.EveryCodec), MemberType = typeof(TestRecords))]
    public void Building_and_reading_records_allocates_nothing_per_record(CompressionType compression)
    {
        var options = new RecordBatchOptions { Compression = compression };
        var key = "user-1234"u8.ToArray();
        var value = "{\"event\":\"click\",\"amount\":12.5}"u8.ToArray();
        RecordHeader[] headers = [new("trace", "abc"u8.ToArray())];
        using var builder = new RecordBatchBuilder(options);
        using var reader = new RecordBatchReader();
        using var output = new PooledBufferWriter();

        var uncompressed = 0;

        long RoundTrip(int count)
        {
            builder.Reset(options);
            output.Clear();
            for (var i = 0; i < count; i++)
            {
                builder.Append(1_700_000_000_000 + i, key, value, headers);
            }

            uncompressed = builder.UncompressedSize;
            builder.WriteTo(output);
            long checksum = 0;
            foreach (var record in reader.Read(output.WrittenSpan))
            {
                checksum += record.Offset + record.Value.Length + record.Key.Span[0];
                foreach (var header in record.Headers)
                {
                    checksum += header.Value.Length;
                }
            }

            return checksum;
        }

        RoundTrip(10_000); // warm up: buffers reach their final size, codec contexts exist
        RoundTrip(100);

        var before = GC.GetAllocatedBytesForCurrentThread();
        RoundTrip(100);
        var small = GC.GetAllocatedBytesForCurrentThread() - before;

        before = GC.GetAllocatedBytesForCurrentThread();
        RoundTrip(10_000);
        var large = GC.GetAllocatedBytesForCurrentThread() - before;

        // 9,900 more records; even one byte each would be ~10 KB.
        var snappyBlocks = compression == CompressionType.Snappy ? (uncompressed / (32 * 1024)) + 1 : 0;
        var allowed = 1024 + (snappyBlocks * 512);
        Assert.True(large - small < allowed, $"{compression}: 100 records allocated {small} B, 10,000 records {large} B");
    }
}
