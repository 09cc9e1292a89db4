using System.Buffers;

namespace Samsa.Protocol.Buffers;

/// <summary>
/// A growable, contiguous <see cref="IBufferWriter{T}"/> over arrays rented from <see cref="ArrayPool{T}.Shared"/>.
/// Reusable: <see cref="Clear"/> keeps the array for the next use, <see cref="Dispose"/> returns it. Used for
/// decompressed record sets and batches being built, where the bytes must end up in one span.
/// </summary>
/// <remarks>
/// <see cref="Limit"/> caps <see cref="WrittenCount"/>: an <see cref="Advance"/> past it throws
/// <see cref="BufferLimitExceededException"/>, which is how decompression refuses a bomb before it exhausts memory.
/// </remarks>
public sealed class PooledBufferWriter : IBufferWriter<byte>, IDisposable
{
    private const int MinimumSize = 256;

    private byte[] _buffer;
    private int _written;

    public PooledBufferWriter(int initialCapacity = 0)
    {
        _buffer = initialCapacity > 0 ? ArrayPool<byte>.Shared.Rent(initialCapacity) : [];
    }

    public int WrittenCount => _written;

    public int Capacity => _buffer.Length;

    /// <summary>The most bytes this writer will hold; <see cref="int.MaxValue"/> by default.</summary>
    public int Limit { get; set; } = int.MaxValue;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _written);

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _written);

    /// <summary>The written bytes as a writable span, for patching fields after the fact.</summary>
    public Span<byte> WrittenSpanForUpdate => _buffer.AsSpan(0, _written);

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count > _buffer.Length - _written)
        {
            throw new InvalidOperationException("advanced past the end of the span handed out");
        }

        if (count > Limit - _written)
        {
            throw new BufferLimitExceededException(Limit);
        }

        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        EnsureFree(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        EnsureFree(sizeHint);
        return _buffer.AsSpan(_written);
    }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(GetSpan(bytes.Length));
        Advance(bytes.Length);
    }

    /// <summary>Makes room for at least <paramref name="capacity"/> bytes in total, so later writes do not copy.</summary>
    public void EnsureCapacity(int capacity)
    {
        if (capacity > _buffer.Length)
        {
            Grow(capacity);
        }
    }

    /// <summary>Forgets the written bytes but keeps the array for reuse.</summary>
    public void Clear() => _written = 0;

    /// <summary>Drops everything after the first <paramref name="count"/> bytes.</summary>
    public void Truncate(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _written);
        _written = count;
    }

    public byte[] ToArray() => WrittenSpan.ToArray();

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        _written = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void EnsureFree(int sizeHint)
    {
        var needed = Math.Max(sizeHint, 1);
        if (_buffer.Length - _written < needed)
        {
            Grow((long)_written + needed);
        }
    }

    private void Grow(long required)
    {
        if (required > Array.MaxLength)
        {
            throw new BufferLimitExceededException(Array.MaxLength);
        }

        var size = (int)Math.Min(Math.Max(Math.Max(required, (long)_buffer.Length * 2), MinimumSize), Array.MaxLength);
        var next = ArrayPool<byte>.Shared.Rent(size);
        _buffer.AsSpan(0, _written).CopyTo(next);
        var old = _buffer;
        _buffer = next;
        if (old.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(old);
        }
    }
}

/// <summary>Raised when a <see cref="PooledBufferWriter"/> would grow past its <see cref="PooledBufferWriter.Limit"/>.</summary>
public sealed class BufferLimitExceededException : Exception
{
    public BufferLimitExceededException()
    {
    }

    public BufferLimitExceededException(int limit)
        : base($"output would exceed its limit of {limit} bytes")
    {
        Limit = limit;
    }

    public BufferLimitExceededException(string message)
        : base(message)
    {
    }

    public BufferLimitExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public int Limit { get; }
}
