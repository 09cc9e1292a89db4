using System.Buffers.Binary;

namespace Samsa.Protocol.Hashing;

/// <summary>
/// The 32-bit MurmurHash2 variant the Java client's default partitioner uses to place keyed records
/// (<c>Utils.murmur2</c>): seed 0x9747b28c, little-endian 4-byte blocks, and a signed 32-bit result. A key must
/// hash to the same partition here as in every Kafka client, so this is bit-for-bit that function.
/// </summary>
public static class Murmur2
{
    private const uint Seed = 0x9747b28c;
    private const uint M = 0x5bd1e995;
    private const int R = 24;

    /// <summary>The hash as the Java client returns it (a signed int; may be negative).</summary>
    public static int Hash(ReadOnlySpan<byte> data)
    {
        var length = data.Length;
        var h = Seed ^ (uint)length;

        var blocks = data[..(length & ~3)];
        while (blocks.Length >= 4)
        {
            var k = BinaryPrimitives.ReadUInt32LittleEndian(blocks);
            k *= M;
            k ^= k >> R;
            k *= M;
            h *= M;
            h ^= k;
            blocks = blocks[4..];
        }

        // The tail bytes fold in from the highest down, and the multiply happens only when there is a tail,
        // as in the Java switch with fall-through.
        var tail = data[(length & ~3)..];
        switch (tail.Length)
        {
            case 3:
                h ^= (uint)tail[2] << 16;
                h ^= (uint)tail[1] << 8;
                h ^= tail[0];
                h *= M;
                break;
            case 2:
                h ^= (uint)tail[1] << 8;
                h ^= tail[0];
                h *= M;
                break;
            case 1:
                h ^= tail[0];
                h *= M;
                break;
            default:
                break;
        }

        h ^= h >> 13;
        h *= M;
        h ^= h >> 15;
        return (int)h;
    }

    /// <summary>
    /// Kafka's <c>Utils.toPositive</c>: clears the sign bit (it is not <c>Math.Abs</c>, which would overflow on
    /// int.MinValue and map n and -n to the same value).
    /// </summary>
    public static int ToPositive(int value) => value & 0x7fffffff;

    /// <summary>The default partitioner's choice for a keyed record: <c>toPositive(murmur2(key)) % numPartitions</c>.</summary>
    public static int Partition(ReadOnlySpan<byte> key, int numPartitions)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numPartitions);
        return ToPositive(Hash(key)) % numPartitions;
    }
}
