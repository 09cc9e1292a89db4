using BenchmarkDotNet.Attributes;
using Samsa.Protocol.Buffers;
using Samsa.Protocol.Records;

namespace Samsa.Protocol.Benchmarks;

/// <summary>
/// Building and reading a batch of 1,000 small records (a key, a ~180-byte JSON value, one header). The memory
/// diagnoser's "Allocated" column is per 1,000 records: zero means nothing is allocated per record.
/// </summary>
[MemoryDiagnoser]
public class RecordBatchBenchmarks
{
    private const int Records = 1000;
    private readonly PooledBufferWriter _output = new();
    private readonly RecordBatchReader _reader = new();
    private readonly RecordHeader[] _headers = [new("trace-id", "4bf92f3577b34da6"u8.ToArray())];
    private byte[][] _keys = [];
    private byte[][] _values = [];
    private RecordBatchBuilder _builder = new();
    private RecordBatchOptions _options = RecordBatchOptions.Default;
    private byte[] _batch = [];

    [Params(CompressionType.None, CompressionType.Lz4, CompressionType.Zstd)]
    public CompressionType Codec { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        _keys = Enumerable.Range(0, Records).Select(i => System.Text.Encoding.UTF8.GetBytes($"user-{random.Next(50_000)}")).ToArray();
        _values = Enumerable.Range(0, Records).Select(i => SampleData.JsonEvent(random, i)).ToArray();
        _options = new RecordBatchOptions { Compression = Codec, ProducerId = 1000, ProducerEpoch = 0, BaseSequence = 0 };
        _builder = new RecordBatchBuilder(_options);
        Build();
        _batch = _output.ToArray();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _builder.Dispose();
        _reader.Dispose();
        _output.Dispose();
    }

    [Benchmark(Description = "Build 1,000 records")]
    public int Build()
    {
        _builder.Reset(_options);
        for (var i = 0; i < Records; i++)
        {
            _builder.Append(1_700_000_000_000 + i, _keys[i], _values[i], _headers);
        }

        _output.Clear();
        return _builder.WriteTo(_output);
    }

    [Benchmark(Description = "Read 1,000 records")]
    public long Read()
    {
        long sum = 0;
        foreach (var record in _reader.Read(_batch))
        {
            sum += record.Offset + record.Key.Length + record.Value.Length;
            foreach (var header in record.Headers)
            {
                sum += header.Key.Length;
            }
        }

        return sum;
    }

    [Benchmark(Description = "Validate (header + CRC)")]
    public bool Validate() => RecordBatchValidator.ValidateProduceRecords(_batch, RecordBatchValidationOptions.Produce).IsValid;
}
