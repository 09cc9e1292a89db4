using System.Buffers;
using Microsoft.Win32.SafeHandles;
using Samsa.Protocol.Records;

namespace Samsa.Storage.Segments;

/// <summary>
/// Walks the whole batches of a byte range of a segment file, framed by the protocol library's
/// <see cref="RecordBatchIterator"/>: the file is read in chunks into one pooled buffer (grown when
/// a single batch is larger), and each batch is yielded as a span of that buffer with its file
/// position. Recovery and the log cleaner read segments through it. A mutable ref struct: keep it
/// in a local and dispose it.
/// </summary>
internal ref struct SegmentBatchScanner
{
    /// <summary>No batch is larger than this; a length field above it is corrupt (as recovery has always treated it).</summary>
    public const int MaxBatchSize = int.MaxValue / 2;

    private readonly SafeFileHandle _handle;
    private readonly long _end;
    private byte[] _buffer;
    private long _bufferStart;
    private int _bufferLength;
    private bool _readToEnd;
    private RecordBatchIterator _batches;

    /// <param name="handle">The segment's log file.</param>
    /// <param name="start">Position of the first batch.</param>
    /// <param name="end">End of the range (the file's length, or the segment's published size).</param>
    /// <param name="bufferSize">Initial read size.</param>
    public SegmentBatchScanner(SafeFileHandle handle, long start, long end, int bufferSize)
    {
        _handle = handle;
        _end = end;
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(bufferSize, RecordBatchHeader.Size));
        _bufferStart = start;
        _bufferLength = 0;
        _readToEnd = false;
        _batches = new RecordBatchIterator([], MaxBatchSize);
        ValidEnd = start;
        Status = RecordBatchIteratorStatus.InProgress;
    }

    /// <summary>The batch found by the last <see cref="MoveNext"/>, log overhead included.</summary>
    public readonly ReadOnlySpan<byte> Current => _batches.Current.Bytes;

    /// <summary>File position of <see cref="Current"/>.</summary>
    public readonly long CurrentPosition => _bufferStart + _batches.Current.Position;

    /// <summary>End of the last whole batch yielded: where a torn or corrupt tail starts.</summary>
    public long ValidEnd { get; private set; }

    /// <summary>Why the scan stopped: <c>End</c>, <c>PartialBatch</c> (torn tail) or <c>CorruptLength</c>.</summary>
    public RecordBatchIteratorStatus Status { get; private set; }

    public bool MoveNext()
    {
        while (Status == RecordBatchIteratorStatus.InProgress)
        {
            if (_batches.MoveNext())
            {
                ValidEnd = CurrentPosition + _batches.Current.Bytes.Length;
                return true;
            }

            if (_batches.Status == RecordBatchIteratorStatus.CorruptLength || (_readToEnd && _batches.Status == RecordBatchIteratorStatus.PartialBatch))
            {
                Status = _batches.Status;
                return false;
            }

            if (ValidEnd >= _end || (_readToEnd && _batches.Status == RecordBatchIteratorStatus.End))
            {
                Status = RecordBatchIteratorStatus.End;
                return false;
            }

            if (_bufferLength > 0 && _batches.ValidBytes == 0)
            {
                // One batch is larger than the buffer: read it whole.
                Grow();
            }

            Fill(ValidEnd);
        }

        return false;
    }

    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    private void Grow()
    {
        var size = (int)Math.Min((long)_buffer.Length * 2, Math.Min(_end - ValidEnd, MaxBatchSize + (long)RecordBatchHeader.LogOverhead));
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = ArrayPool<byte>.Shared.Rent(size);
    }

    private void Fill(long position)
    {
        _bufferStart = position;
        _bufferLength = 0;
        var want = (int)Math.Min(_buffer.Length, _end - position);
        while (_bufferLength < want)
        {
            var n = RandomAccess.Read(_handle, _buffer.AsSpan(_bufferLength, want - _bufferLength), position + _bufferLength);
            if (n == 0)
            {
                break;
            }

            _bufferLength += n;
        }

        // A file shorter than the range ends the scan like the end of the range does.
        _readToEnd = _bufferLength < want || position + _bufferLength >= _end;

        _batches = new RecordBatchIterator(_buffer.AsSpan(0, _bufferLength), MaxBatchSize);
    }
}
