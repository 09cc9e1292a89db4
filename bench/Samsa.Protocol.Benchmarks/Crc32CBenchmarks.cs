using System.Buffers.Binary;
using System.Numerics;
using BenchmarkDotNet.Attributes;
using Samsa.Protocol.Hashing;

namespace Samsa.Protocol.Benchmarks;

/// <summary>
/// CRC-32C against a plain memory copy of the same bytes measured in the same run (the copy is the ceiling), and
/// against one dependent chain of the CRC32 instruction (the library's implementation before interleaving, kept
/// here as the reference).
/// </summary>
[MemoryDiagnoser]
public class Crc32CBenchmarks
{
    private byte[] _source = [];
    private byte[] _destination = [];

    [Params(1024, 16 * 1024, 1024 * 1024)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _source = new byte[Size];
        _destination = new byte[Size];
        new Random(1).NextBytes(_source);
        if (Crc32C.Compute(_source) != SingleChain(_source))
        {
            throw new InvalidOperationException("Crc32C disagrees with the single-chain reference");
        }
    }

    [Benchmark(Baseline = true, Description = "Span.CopyTo")]
    public void CopyTo() => _source.AsSpan().CopyTo(_destination);

    [Benchmark(Description = "Crc32C.Compute")]
    public uint Compute() => Crc32C.Compute(_source);

    [Benchmark(Description = "one CRC32 chain")]
    public uint OneChain() => SingleChain(_source);

    /// <summary>The library's implementation up to 2026-11-23: each CRC32 instruction waits for the previous.</summary>
    private static uint SingleChain(ReadOnlySpan<byte> data)
    {
        var state = ~0u;
        while (data.Length >= 32)
        {
            state = BitOperations.Crc32C(state, BinaryPrimitives.ReadUInt64LittleEndian(data));
            state = BitOperations.Crc32C(state, BinaryPrimitives.ReadUInt64LittleEndian(data[8..]));
            state = BitOperations.Crc32C(state, BinaryPrimitives.ReadUInt64LittleEndian(data[16..]));
            state = BitOperations.Crc32C(state, BinaryPrimitives.ReadUInt64LittleEndian(data[24..]));
            data = data[32..];
        }

        while (data.Length >= 8)
        {
            state = BitOperations.Crc32C(state, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        foreach (var b in data)
        {
            state = BitOperations.Crc32C(state, b);
        }

        return ~state;
    }
}
