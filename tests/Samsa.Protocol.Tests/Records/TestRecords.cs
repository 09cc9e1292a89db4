using System.Text;
using Samsa.Protocol.Records;

namespace Samsa.Protocol.Tests.Records;

/// <summary>A record as plain data, for building batches in tests and comparing what is read back.</summary>
internal sealed record TestRecord(long Offset, long Timestamp, byte[]? Key, byte[]? Value, IReadOnlyList<(string Key, byte[]? Value)> Headers)
{
    public static TestRecord From(RecordView view)
    {
        var headers = new List<(string, byte[]?)>();
        foreach (var header in view.Headers)
        {
            headers.Add((header.GetKeyString(), header.Value.ToArray()));
        }

        return new TestRecord(view.Offset, view.Timestamp, view.Key.ToArray(), view.Value.ToArray(), headers);
    }

    public RecordHeader[] BuilderHeaders() => Headers.Select(h => new RecordHeader(h.Key, h.Value)).ToArray();

    public bool SameAs(TestRecord other) =>
        Offset == other.Offset
        && Timestamp == other.Timestamp
        && BytesEqual(Key, other.Key)
        && BytesEqual(Value, other.Value)
        && Headers.Count == other.Headers.Count
        && Headers.Zip(other.Headers).All(p => p.First.Key == p.Second.Key && BytesEqual(p.First.Value, p.Second.Value));

    public override string ToString() =>
        $"@{Offset} t={Timestamp} k={Show(Key)} v={Show(Value)} h=[{string.Join(",", Headers.Select(h => $"{h.Key}={Show(h.Value)}"))}]";

    private static bool BytesEqual(byte[]? a, byte[]? b) => a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);

    private static string Show(byte[]? bytes) => bytes is null ? "null" : bytes.Length > 16 ? $"{bytes.Length}B" : Convert.ToHexString(bytes);
}

internal static class TestRecords
{
    /// <summary>Every codec a record batch can use, for theories that must hold for each.</summary>
    public static TheoryData<CompressionType> EveryCodec { get; } = [.. Enum.GetValues<CompressionType>()];

    /// <summary>Random records: null and empty keys and values, unicode header keys, null header values, mixed sizes.</summary>
    public static List<TestRecord> Random(int seed, int count, long baseOffset = 0, long baseTimestamp = 1_700_000_000_000)
    {
        var random = new Random(seed);
        var records = new List<TestRecord>(count);
        for (var i = 0; i < count; i++)
        {
            var headers = new List<(string, byte[]?)>();
            var headerCount = random.Next(4) == 0 ? random.Next(1, 5) : 0;
            for (var h = 0; h < headerCount; h++)
            {
                var key = random.Next(3) switch { 0 => "", 1 => $"h{h}", _ => $"trace-ü-{random.Next(1000)}" };
                headers.Add((key, random.Next(4) == 0 ? null : Bytes(random, random.Next(20))));
            }

            // Timestamps jitter both ways around the first one, so deltas can be negative.
            var timestamp = baseTimestamp + random.Next(-5_000, 60_000);
            records.Add(new TestRecord(baseOffset + i, timestamp, MaybeNull(random), MaybeNull(random), headers));
        }

        return records;
    }

    public static RecordBatchBuilder Build(IReadOnlyList<TestRecord> records, RecordBatchOptions options)
    {
        var builder = new RecordBatchBuilder(options);
        foreach (var record in records)
        {
            builder.AppendWithOffset(record.Offset, record.Timestamp, record.Key, record.Value, record.BuilderHeaders());
        }

        return builder;
    }

    public static byte[] BuildBytes(IReadOnlyList<TestRecord> records, RecordBatchOptions options)
    {
        using var builder = Build(records, options);
        return builder.ToArray();
    }

    public static List<TestRecord> ReadAll(ReadOnlySpan<byte> batch)
    {
        using var reader = new RecordBatchReader();
        var result = new List<TestRecord>();
        foreach (var record in reader.Read(batch))
        {
            result.Add(TestRecord.From(record));
        }

        return result;
    }

    public static byte[] Text(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[]? MaybeNull(Random random) => random.Next(5) switch
    {
        0 => null,
        1 => [],
        2 => Bytes(random, random.Next(200, 3000)),
        _ => Bytes(random, random.Next(1, 40)),
    };

    private static byte[] Bytes(Random random, int length)
    {
        // Half compressible text, half noise: the codecs get both kinds of input.
        var bytes = new byte[length];
        if (random.Next(2) == 0)
        {
            random.NextBytes(bytes);
        }
        else
        {
            for (var i = 0; i < length; i++)
            {
                bytes[i] = (byte)"abcdefgh {}\":,"[random.Next(14)];
            }
        }

        return bytes;
    }
}
