using System.Buffers.Binary;
using System.Diagnostics;

namespace Samsa.Bench.Compare.Harness;

/// <summary>Record payloads: random bytes (nothing compresses them), the first 8 bytes a send timestamp.</summary>
internal static class Payload
{
    /// <summary>One shared payload for throughput runs; clients only read it.</summary>
    public static byte[] Shared(int size)
    {
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes);
        return bytes;
    }

    /// <summary>A fresh payload carrying the current Stopwatch timestamp, for latency runs.</summary>
    public static byte[] Stamp(byte[] template)
    {
        var bytes = (byte[])template.Clone();
        BinaryPrimitives.WriteInt64LittleEndian(bytes, Stopwatch.GetTimestamp());
        return bytes;
    }
}
