using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace Samsa.Storage.Cleaning;

/// <summary>
/// The cleaner's key → latest offset map over a log's dirty section, in a fixed amount of memory
/// (<c>log.cleaner.dedupe.buffer.size</c>): keys are stored as their 128-bit XxHash128 (as Kafka stores an
/// MD5), so any key costs 24 bytes; open addressing with linear probing. A hash collision between two keys
/// would lose the older one's latest record; at 128 bits that is far below a disk's error rate.
/// Single-threaded: each cleaner thread owns one.
/// </summary>
internal sealed class OffsetMap
{
    private readonly Entry[] _entries;
    private readonly int _mask;

    /// <param name="memoryBytes">Memory to use; the slot count is the largest power of two that fits.</param>
    /// <param name="loadFactor">Fraction of the slots that may be filled before <see cref="IsFull"/>.</param>
    public OffsetMap(long memoryBytes, double loadFactor)
    {
        var slots = 1L << (63 - (int)long.LeadingZeroCount(Math.Max(16, memoryBytes / Marshal.SizeOf<Entry>())));
        slots = Math.Min(slots, 1L << 30);
        _entries = new Entry[slots];
        _mask = (int)(slots - 1);
        MaxEntries = Math.Max(1, (int)(slots * Math.Clamp(loadFactor, 0.1, 0.95)));
    }

    /// <summary>Distinct keys the map takes before it counts as full.</summary>
    public int MaxEntries { get; }

    /// <summary>Distinct keys in the map.</summary>
    public int Count { get; private set; }

    public bool IsFull => Count >= MaxEntries;

    /// <summary>The last offset the map covers: records after it were not looked at.</summary>
    public long LatestOffset { get; set; } = -1;

    public long MemoryBytes => (long)_entries.Length * Marshal.SizeOf<Entry>();

    public void Clear()
    {
        Array.Clear(_entries);
        Count = 0;
        LatestOffset = -1;
    }

    /// <summary>Records <paramref name="offset"/> as the key's latest (offsets only grow while a map is built).</summary>
    public void Put(ReadOnlySpan<byte> key, long offset)
    {
        var hash = XxHash128.HashToUInt128(key);
        var high = (ulong)(hash >> 64);
        var low = (ulong)hash;
        for (var i = (int)low & _mask; ; i = (i + 1) & _mask)
        {
            ref var entry = ref _entries[i];
            if (entry.OffsetPlusOne == 0)
            {
                entry = new Entry(high, low, offset + 1);
                Count++;
                return;
            }

            if (entry.High == high && entry.Low == low)
            {
                entry.OffsetPlusOne = offset + 1;
                return;
            }
        }
    }

    /// <summary>The key's latest offset, or -1 if the map does not hold it.</summary>
    public long Get(ReadOnlySpan<byte> key)
    {
        var hash = XxHash128.HashToUInt128(key);
        var high = (ulong)(hash >> 64);
        var low = (ulong)hash;
        for (var i = (int)low & _mask; ; i = (i + 1) & _mask)
        {
            ref readonly var entry = ref _entries[i];
            if (entry.OffsetPlusOne == 0)
            {
                return -1;
            }

            if (entry.High == high && entry.Low == low)
            {
                return entry.OffsetPlusOne - 1;
            }
        }
    }

    /// <summary>A slot: the key's hash, and its offset plus one (zero marks a free slot).</summary>
    private struct Entry(ulong high, ulong low, long offsetPlusOne)
    {
        public readonly ulong High = high;
        public readonly ulong Low = low;
        public long OffsetPlusOne = offsetPlusOne;
    }
}
