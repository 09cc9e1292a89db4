using System.Runtime.InteropServices;

namespace Samsa.Bench.Compare.Drivers;

internal static class Bytes
{
    /// <summary>The array behind <paramref name="memory"/> when it spans all of it, else a copy (clients that take byte[]).</summary>
    public static byte[] Of(ReadOnlyMemory<byte> memory) =>
        MemoryMarshal.TryGetArray(memory, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : memory.ToArray();
}
