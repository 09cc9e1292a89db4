using System.Buffers;
using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace Samsa.Storage.Segments;

/// <summary>One index entry: (relative offset, position) or (timestamp, relative offset).</summary>
internal readonly record struct IndexEntry(long Key, int Value);

/// <summary>
/// A sparse index file in Kafka's format: big-endian fixed-size entries with strictly increasing
/// keys. The offset index (<c>.index</c>) maps relative offset (int32) → position (int32); the time
/// index (<c>.timeindex</c>) maps timestamp (int64) → relative offset (int32).
/// <para>
/// While its segment is active the index is "mutable": entries live in memory as well as in the
/// file, which is preallocated to <c>segment.index.bytes</c>. On roll or close the file is trimmed
/// to its entries and fsynced, and lookups read the file (page cache) instead of memory.
/// One writer (the log's writer lock) and any number of readers: an entry is written before the
/// count that makes it visible.
/// </para>
/// </summary>
internal sealed class IndexFile : IDisposable
{
    private readonly bool _isTimeIndex;
    private readonly SafeFileHandle _handle;
    private volatile IndexEntry[]? _entries;
    private int _count;
    private int _maxEntries;

    private IndexFile(string path, bool isTimeIndex, SafeFileHandle handle, int count)
    {
        Path = path;
        _isTimeIndex = isTimeIndex;
        _handle = handle;
        _count = count;
    }

    public string Path { get; private set; }

    public int EntrySize => _isTimeIndex ? 12 : 8;

    public int Count => Volatile.Read(ref _count);

    public bool IsFull => _entries is not null && Count >= _maxEntries;

    public bool IsMutable => _entries is not null;

    /// <summary>Opens (creating if missing) an index file as it is; see <see cref="IsValid"/>.</summary>
    public static IndexFile Open(string path, bool isTimeIndex)
    {
        var handle = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        var entrySize = isTimeIndex ? 12 : 8;
        var length = RandomAccess.GetLength(handle);
        return new IndexFile(path, isTimeIndex, handle, (int)Math.Min(int.MaxValue, length / entrySize));
    }

    /// <summary>
    /// Checks what Kafka's sanity check does and, when <paramref name="full"/>, every entry: whole
    /// entries, strictly increasing keys, values that fit the segment. A crash before trimming leaves a zero tail; that is invalid
    /// here and the caller rebuilds the index from the log.
    /// </summary>
    public bool IsValid(long segmentSize, bool full)
    {
        var length = RandomAccess.GetLength(_handle);
        if (length % EntrySize != 0)
        {
            return false;
        }

        if (!full)
        {
            return IsPlausible(segmentSize);
        }

        var previousKey = long.MinValue;
        var previousValue = -1;
        var buffer = ArrayPool<byte>.Shared.Rent(EntrySize * 4096);
        try
        {
            for (long at = 0; at < length;)
            {
                var chunk = (int)Math.Min(EntrySize * 4096, length - at);
                if (RandomAccess.Read(_handle, buffer.AsSpan(0, chunk), at) != chunk)
                {
                    return false;
                }

                for (var i = 0; i < chunk; i += EntrySize)
                {
                    var e = Decode(buffer.AsSpan(i, EntrySize));
                    if (e.Key <= previousKey || e.Value < 0 || (!_isTimeIndex && e.Value >= segmentSize) || (_isTimeIndex && e.Value < previousValue))
                    {
                        return false;
                    }

                    previousKey = e.Key;
                    previousValue = e.Value;
                }

                at += chunk;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return true;
    }

    /// <summary>
    /// The cheap check for older segments at start (as Kafka's sanity check, which reads no more
    /// than the ends): first and last entries in order and inside the segment. Reading every index
    /// of a large broker at start would cost more than the logs' recovery.
    /// </summary>
    private bool IsPlausible(long segmentSize)
    {
        if (_count == 0)
        {
            return true;
        }

        var first = ReadFromFile(0);
        var last = ReadFromFile(_count - 1);
        return first.Value >= 0
            && last.Value >= first.Value
            && (_count == 1 || last.Key > first.Key)
            && (_isTimeIndex || last.Value < segmentSize);
    }

    /// <summary>Makes the index writable: entries into memory, file preallocated to <paramref name="maxIndexBytes"/>.</summary>
    public void MakeMutable(int maxIndexBytes)
    {
        var count = Count;
        var entries = new IndexEntry[Math.Max(16, count * 2)];
        for (var i = 0; i < count; i++)
        {
            entries[i] = ReadFromFile(i);
        }

        _maxEntries = maxIndexBytes / EntrySize;
        RandomAccess.SetLength(_handle, Math.Max((long)_maxEntries, count) * EntrySize);
        _entries = entries;
    }

    /// <summary>Trims the file to its entries and fsyncs it; lookups then read the file.</summary>
    public void Freeze()
    {
        RandomAccess.SetLength(_handle, (long)Count * EntrySize);
        Files.NativeFile.Fsync(_handle);
        _entries = null;
    }

    public void Flush() => Files.NativeFile.Fsync(_handle);

    public IndexEntry Get(int i)
    {
        var entries = _entries;
        return entries is not null && i < entries.Length ? entries[i] : ReadFromFile(i);
    }

    public IndexEntry? Last
    {
        get
        {
            var count = Count;
            return count == 0 ? null : Get(count - 1);
        }
    }

    /// <summary>Appends an entry (writer only). Keys must increase; the caller checks <see cref="IsFull"/>.</summary>
    public void Append(long key, int value)
    {
        var count = _count;
        var entries = _entries ?? throw new InvalidOperationException($"index {Path} is not writable");
        Span<byte> bytes = stackalloc byte[12];
        Encode(bytes, key, value);
        RandomAccess.Write(_handle, bytes[..EntrySize], (long)count * EntrySize);
        if (count == entries.Length)
        {
            Array.Resize(ref entries, entries.Length * 2);
            _entries = entries;
        }

        entries[count] = new IndexEntry(key, value);
        Volatile.Write(ref _count, count + 1);
    }

    /// <summary>The largest entry index whose key is ≤ <paramref name="key"/>, or -1.</summary>
    public int FloorIndex(long key)
    {
        int lo = 0, hi = Count - 1, found = -1;
        while (lo <= hi)
        {
            var mid = (int)((uint)(lo + hi) >> 1);
            if (Get(mid).Key <= key)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found;
    }

    /// <summary>Keeps the first <paramref name="count"/> entries (writer only).</summary>
    public void TruncateTo(int count)
    {
        if (count >= Count)
        {
            return;
        }

        Volatile.Write(ref _count, count);
        if (_entries is null)
        {
            RandomAccess.SetLength(_handle, (long)count * EntrySize);
        }
    }

    /// <summary>Empties the index and makes it writable, for a rebuild.</summary>
    public void Reset(int maxIndexBytes)
    {
        Volatile.Write(ref _count, 0);
        RandomAccess.SetLength(_handle, 0);
        MakeMutable(maxIndexBytes);
    }

    public void Rename(string newPath)
    {
        File.Move(Path, newPath, overwrite: true);
        Path = newPath;
    }

    public void Dispose() => _handle.Dispose();

    private IndexEntry ReadFromFile(int i)
    {
        Span<byte> bytes = stackalloc byte[12];
        var read = RandomAccess.Read(_handle, bytes[..EntrySize], (long)i * EntrySize);
        if (read < EntrySize)
        {
            return new IndexEntry(long.MaxValue, 0);
        }

        return Decode(bytes);
    }

    private IndexEntry Decode(ReadOnlySpan<byte> bytes) => _isTimeIndex
        ? new IndexEntry(BinaryPrimitives.ReadInt64BigEndian(bytes), BinaryPrimitives.ReadInt32BigEndian(bytes[8..]))
        : new IndexEntry(BinaryPrimitives.ReadInt32BigEndian(bytes), BinaryPrimitives.ReadInt32BigEndian(bytes[4..]));

    private void Encode(Span<byte> bytes, long key, int value)
    {
        if (_isTimeIndex)
        {
            BinaryPrimitives.WriteInt64BigEndian(bytes, key);
            BinaryPrimitives.WriteInt32BigEndian(bytes[8..], value);
        }
        else
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes, checked((int)key));
            BinaryPrimitives.WriteInt32BigEndian(bytes[4..], value);
        }
    }
}
