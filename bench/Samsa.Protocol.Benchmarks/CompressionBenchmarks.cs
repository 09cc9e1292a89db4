using BenchmarkDotNet.Attributes;
using Samsa.Protocol.Buffers;
using Samsa.Protocol.Compression;
using Samsa.Protocol.Records;

namespace Samsa.Protocol.Benchmarks;

/// <summary>Each codec at Kafka's default level on 1 MiB of JSON events, into reused pooled buffers.</summary>
[MemoryDiagnoser]
public class CompressionBenchmarks
{
    private const int Size = 1024 * 1024;
    private readonly PooledBufferWriter _output = new();
    private byte[] _data = [];
    private byte[] _compressed = [];
    private CompressionCodec _codec = NoCompressionCodec.Instance;

    [Params(CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd)]
    public CompressionType Codec { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _data = SampleData.JsonEvents(Size);
        _codec = CompressionCodec.Get(Codec);
        _codec.Compress(_data, _output);
        _compressed = _output.ToArray();
        Console.WriteLine($"// {Codec}: {_data.Length} bytes -> {_compressed.Length} bytes, ratio {(double)_data.Length / _compressed.Length:F2}");
    }

    [GlobalCleanup]
    public void Cleanup() => _output.Dispose();

    [Benchmark]
    public int Compress()
    {
        _output.Clear();
        _codec.Compress(_data, _output);
        return _output.WrittenCount;
    }

    [Benchmark]
    public int Decompress()
    {
        _output.Clear();
        _codec.Decompress(_compressed, _output, Size);
        return _output.WrittenCount;
    }
}
