using BenchmarkDotNet.Attributes;
using Samsa.Protocol.Buffers;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;
using Samsa.Protocol.Records;

namespace Samsa.Protocol.Benchmarks;

/// <summary>
/// A Produce request (v11) carrying 1 MiB of uncompressed records, through the broker's real entry points:
/// <see cref="RequestFrame.Decode"/> on the frame as the network layer hands it over, the same plus the
/// per-partition batch check the Produce handler runs (header and CRC-32C over every byte), and the client side
/// <see cref="RequestFrame.Write"/>. <see cref="ValueSize"/> sets how many records the MiB holds (about 9,000 of 100
/// bytes or 100 of 10,000 bytes), so the allocation column shows whether anything grows with the record count.
/// </summary>
[MemoryDiagnoser]
public class ProduceRequestBenchmarks
{
    private const int TotalBytes = 1024 * 1024;
    private const short Version = 11;

    private readonly ProtocolWriter _writer = new();
    private byte[] _copyTarget = [];
    private byte[] _frame = [];
    private RequestHeader _header = new();
    private ProduceRequest _request = new();

    /// <summary>Partitions sharing the 1 MiB (one batch each, all in one topic).</summary>
    [Params(1, 6)]
    public int Partitions { get; set; }

    /// <summary>Bytes of each record's value (plus a 10-byte key and one small header).</summary>
    [Params(100, 10_000)]
    public int ValueSize { get; set; }

    public int RecordCount { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        _request = new ProduceRequest { Acks = -1, TimeoutMs = 30_000 };
        var topic = new ProduceRequest.TopicProduceData { Name = "bench-events" };
        _request.TopicData.Add(topic);
        RecordCount = 0;
        for (var p = 0; p < Partitions; p++)
        {
            var batch = Batch(TotalBytes / Partitions, p, out var count);
            RecordCount += count;
            topic.PartitionData.Add(new ProduceRequest.PartitionProduceData { Index = p, Records = new MemoryRecords(batch) });
        }

        _header = new RequestHeader { RequestApiKey = (short)ApiKey.Produce, RequestApiVersion = Version, CorrelationId = 42, ClientId = "bench-producer" };
        RequestFrame.Write(_writer, _header, _request);
        _frame = _writer.ToArray()[4..]; // the network layer strips the size prefix
        _copyTarget = new byte[_frame.Length];
        _writer.Reset();
        Console.WriteLine($"// {Partitions} partition(s), {ValueSize}-byte values: {RecordCount} records, frame {_frame.Length} bytes");
        if (!DecodeAndValidate())
        {
            throw new InvalidOperationException("the benchmark's request does not validate");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _writer.Dispose();

    /// <summary>The same bytes copied once: what it costs just to touch the frame.</summary>
    [Benchmark(Baseline = true, Description = "Span.CopyTo (frame)")]
    public void CopyFrame() => _frame.AsSpan().CopyTo(_copyTarget);

    [Benchmark(Description = "RequestFrame.Decode")]
    public int Decode()
    {
        var decoded = RequestFrame.Decode(_frame);
        return ((ProduceRequest)decoded.Body!).TopicData[0].PartitionData.Count;
    }

    [Benchmark(Description = "Decode + validate batches")]
    public bool DecodeAndValidate()
    {
        var decoded = RequestFrame.Decode(_frame);
        var valid = decoded.IsSuccess;
        foreach (var topic in ((ProduceRequest)decoded.Body!).TopicData)
        {
            foreach (var partition in topic.PartitionData)
            {
                var records = ((MemoryRecords)partition.Records!).Bytes.Span;
                valid &= RecordBatchValidator.ValidateProduceRecords(records, RecordBatchValidationOptions.Produce).IsValid;
            }
        }

        return valid;
    }

    [Benchmark(Description = "RequestFrame.Write")]
    public long Encode()
    {
        _writer.Reset();
        RequestFrame.Write(_writer, _header, _request);
        return _writer.Length;
    }

    /// <summary>One idempotent-producer batch of about <paramref name="size"/> bytes.</summary>
    private byte[] Batch(int size, int partition, out int count)
    {
        var random = new Random(partition);
        var value = new byte[ValueSize];
        var key = new byte[10];
        RecordHeader[] headers = [new("trace-id", "4bf92f3577b34da6"u8.ToArray())];
        using var builder = new RecordBatchBuilder(new RecordBatchOptions { ProducerId = 1000 + partition, ProducerEpoch = 0, BaseSequence = 0 });
        count = 0;
        do
        {
            random.NextBytes(key);
            random.NextBytes(value);
            builder.Append(1_700_000_000_000 + count, key, value, headers);
            count++;
        }
        while (builder.UncompressedSize + ValueSize + 64 <= size);

        using var output = new PooledBufferWriter();
        builder.WriteTo(output);
        return output.ToArray();
    }
}
