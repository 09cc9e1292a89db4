using System.Buffers;
using Microsoft.Win32.SafeHandles;
using Samsa.Protocol.Records;

namespace Samsa.Storage.Segments;

/// <summary>
/// Walks batch headers (<see cref="RecordBatchHeader"/>) in a segment file without reading the records: one pread per 4 KiB of
/// headers into a pooled buffer, so small batches cost no syscall each. A mutable struct: keep it
/// in a local and dispose it with try/finally (a <c>using</c> variable would be copied).
/// </summary>
internal struct BatchHeaderReader
{
    private const int ChunkSize = 4096;
    private readonly SafeFileHandle _handle;
    private byte[]? _buffer;
    private long _bufferStart;
    private int _bufferLength;

    public BatchHeaderReader(SafeFileHandle handle)
    {
        _handle = handle;
        _buffer = null;
        _bufferStart = 0;
        _bufferLength = 0;
    }

    /// <summary>Reads the header at <paramref name="position"/>; false when no whole batch lies before <paramref name="end"/>.</summary>
    public bool TryRead(long position, long end, out RecordBatchHeader batch)
    {
        batch = default;
        if (end - position < RecordBatchHeader.Size)
        {
            return false;
        }

        if (position < _bufferStart || position + RecordBatchHeader.Size > _bufferStart + _bufferLength)
        {
            _buffer ??= ArrayPool<byte>.Shared.Rent(ChunkSize);
            _bufferStart = position;
            _bufferLength = RandomAccess.Read(_handle, _buffer.AsSpan(0, (int)Math.Min(ChunkSize, end - position)), position);
            if (_bufferLength < RecordBatchHeader.Size)
            {
                return false;
            }
        }

        batch = RecordBatchHeader.Read(_buffer.AsSpan((int)(position - _bufferStart), RecordBatchHeader.Size));
        return batch.TotalSize >= RecordBatchHeader.Size && batch.TotalSize <= end - position;
    }

    public void Dispose()
    {
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }
    }
}
