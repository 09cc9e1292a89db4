using System.Buffers.Binary;

namespace Samsa.Protocol.Records;

/// <summary>Why a <see cref="RecordBatchIterator"/> stopped.</summary>
public enum RecordBatchIteratorStatus
{
    /// <summary>Still iterating.</summary>
    InProgress,

    /// <summary>Every byte belonged to a complete batch.</summary>
    End,

    /// <summary>The bytes end inside a batch (a fetch cut at its size limit, a segment torn by a crash).</summary>
    PartialBatch,

    /// <summary>A batch length is impossible (too small, or over the size limit): what follows cannot be framed.</summary>
    CorruptLength,
}

/// <summary>One batch found by <see cref="RecordBatchIterator"/>.</summary>
public readonly ref struct RecordBatchEntry
{
    internal RecordBatchEntry(int position, ReadOnlySpan<byte> bytes)
    {
        Position = position;
        Bytes = bytes;
    }

    /// <summary>Where the batch starts in the iterated range.</summary>
    public int Position { get; }

    /// <summary>The whole batch, log overhead included.</summary>
    public ReadOnlySpan<byte> Bytes { get; }

    public byte Magic => Bytes[RecordBatchHeader.MagicOffset];

    public bool IsCurrentMagic => Magic == RecordBatchHeader.CurrentMagic;

    /// <summary>The v2 header. Only meaningful when <see cref="IsCurrentMagic"/>; the fields are read on each call.</summary>
    public RecordBatchHeader Header => RecordBatchHeader.Read(Bytes);
}

/// <summary>
/// Frames the batches in a byte range holding many (a log segment, a Produce or Fetch record set) using only each
/// batch's length field: no CRC check, no decoding. Stops cleanly at a partial trailing batch, reporting how many
/// bytes were whole batches (<see cref="ValidBytes"/>), which is what log recovery truncates to.
/// </summary>
/// <remarks>
/// Batches of the old formats (magic 0 and 1) are framed too, since their length sits at the same place, and
/// yielded with their magic so the caller can refuse them; their minimum size is the v0 record's 14 bytes.
/// <c>foreach</c> iterates a copy of this struct; to read <see cref="Status"/> and <see cref="ValidBytes"/>
/// afterwards, call <see cref="MoveNext"/> in a loop instead.
/// </remarks>
public ref struct RecordBatchIterator
{
    /// <summary>Smallest length field any message format can have: a v0 record without key or value.</summary>
    private const int MinimumLegacyLength = 14;
    private const int MinimumLength = RecordBatchHeader.Size - RecordBatchHeader.LogOverhead;
    private const int HeaderUpToMagic = RecordBatchHeader.MagicOffset + 1;

    private readonly ReadOnlySpan<byte> _bytes;
    private readonly int _maxBatchSize;
    private int _position;
    private RecordBatchEntry _current;

    /// <param name="bytes">Batches back to back.</param>
    /// <param name="maxBatchSize">A batch (log overhead included) longer than this is treated as a corrupt length.</param>
    public RecordBatchIterator(ReadOnlySpan<byte> bytes, int maxBatchSize = int.MaxValue)
    {
        _bytes = bytes;
        _maxBatchSize = maxBatchSize;
        _position = 0;
        _current = default;
        Status = RecordBatchIteratorStatus.InProgress;
    }

    public RecordBatchIteratorStatus Status { get; private set; }

    /// <summary>Bytes covered by the batches yielded so far: the end of the last complete batch.</summary>
    public readonly int ValidBytes => _position;

    public readonly RecordBatchEntry Current => _current;

    public readonly RecordBatchIterator GetEnumerator() => this;

    public bool MoveNext()
    {
        if (Status != RecordBatchIteratorStatus.InProgress)
        {
            return false;
        }

        var remaining = _bytes[_position..];
        if (remaining.IsEmpty)
        {
            return Stop(RecordBatchIteratorStatus.End);
        }

        if (remaining.Length < HeaderUpToMagic)
        {
            return Stop(RecordBatchIteratorStatus.PartialBatch);
        }

        var length = BinaryPrimitives.ReadInt32BigEndian(remaining[RecordBatchHeader.BatchLengthOffset..]);
        var magic = remaining[RecordBatchHeader.MagicOffset];
        var minimum = magic == RecordBatchHeader.CurrentMagic ? MinimumLength : MinimumLegacyLength;
        if (length < minimum || (long)length + RecordBatchHeader.LogOverhead > _maxBatchSize)
        {
            return Stop(RecordBatchIteratorStatus.CorruptLength);
        }

        var total = length + RecordBatchHeader.LogOverhead;
        if (total > remaining.Length)
        {
            return Stop(RecordBatchIteratorStatus.PartialBatch);
        }

        _current = new RecordBatchEntry(_position, remaining[..total]);
        _position += total;
        return true;
    }

    private bool Stop(RecordBatchIteratorStatus status)
    {
        Status = status;
        _current = default;
        return false;
    }
}
