using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Samsa.Protocol.Primitives;

/// <summary>
/// Encodes Kafka's wire primitives into pooled buffers. Large payloads (record sets) can be appended by
/// reference, as memory or as a file region, so a Fetch response carries log bytes without copying
/// them into the frame. Dispose returns the buffers to the pool and releases file handles.
/// </summary>
public sealed class ProtocolWriter : IBufferWriter<byte>, IDisposable
{
    private const int MinBufferSize = 4096;
    private const int MaxBufferSize = 256 * 1024;

    /// <summary>Below this size a memory append is copied: a separate send segment costs more than the copy.</summary>
    private const int MinReferencedMemory = 1024;

    private readonly List<OutputChunk> _chunks = [];
    private readonly List<byte[]> _rented = [];
    private readonly List<SafeFileHandle> _referencedFiles = [];
    private byte[] _buffer = [];
    private ProtocolWriter? _scratch;
    private int _pendingStart;
    private int _position;
    private long _sealedLength;

    /// <summary>Bytes written so far, including referenced memory and file regions.</summary>
    public long Length => _sealedLength + (_position - _pendingStart);

    public void WriteInt8(sbyte value)
    {
        GetSpan(1)[0] = (byte)value;
        Advance(1);
    }

    public void WriteBool(bool value) => WriteInt8(value ? (sbyte)1 : (sbyte)0);

    public void WriteInt16(short value)
    {
        BinaryPrimitives.WriteInt16BigEndian(GetSpan(2), value);
        Advance(2);
    }

    public void WriteUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(GetSpan(2), value);
        Advance(2);
    }

    public void WriteInt32(int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(GetSpan(4), value);
        Advance(4);
    }

    public void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(GetSpan(4), value);
        Advance(4);
    }

    public void WriteInt64(long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(GetSpan(8), value);
        Advance(8);
    }

    public void WriteFloat64(double value)
    {
        BinaryPrimitives.WriteDoubleBigEndian(GetSpan(8), value);
        Advance(8);
    }

    public void WriteUuid(Uuid value)
    {
        value.Write(GetSpan(16));
        Advance(16);
    }

    public void WriteUnsignedVarInt(uint value)
    {
        var span = GetSpan(5);
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[i++] = (byte)value;
        Advance(i);
    }

    public void WriteUnsignedVarLong(ulong value)
    {
        var span = GetSpan(10);
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[i++] = (byte)value;
        Advance(i);
    }

    public void WriteVarInt(int value) => WriteUnsignedVarInt((uint)((value << 1) ^ (value >> 31)));

    public void WriteVarLong(long value) => WriteUnsignedVarLong((ulong)((value << 1) ^ (value >> 63)));

    public void WriteString(string value) => WriteNullableString(value);

    public void WriteNullableString(string? value)
    {
        if (value is null)
        {
            WriteInt16(-1);
            return;
        }

        var length = Encoding.UTF8.GetByteCount(value);
        if (length > short.MaxValue)
        {
            throw new ArgumentException($"string of {length} bytes exceeds the int16 length limit", nameof(value));
        }

        WriteInt16((short)length);
        WriteUtf8(value, length);
    }

    public void WriteCompactString(string value) => WriteCompactNullableString(value);

    public void WriteCompactNullableString(string? value)
    {
        if (value is null)
        {
            WriteUnsignedVarInt(0);
            return;
        }

        var length = Encoding.UTF8.GetByteCount(value);
        WriteUnsignedVarInt((uint)length + 1);
        WriteUtf8(value, length);
    }

    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        WriteInt32(value.Length);
        WriteRaw(value);
    }

    public void WriteNullableBytes(byte[]? value)
    {
        if (value is null)
        {
            WriteInt32(-1);
            return;
        }

        WriteBytes(value);
    }

    public void WriteCompactBytes(ReadOnlySpan<byte> value)
    {
        WriteUnsignedVarInt((uint)value.Length + 1);
        WriteRaw(value);
    }

    public void WriteCompactNullableBytes(byte[]? value)
    {
        if (value is null)
        {
            WriteUnsignedVarInt(0);
            return;
        }

        WriteCompactBytes(value);
    }

    /// <summary>Classic array length (int32), -1 for null.</summary>
    public void WriteArrayLength(int count) => WriteInt32(count);

    /// <summary>Compact array length (unsigned varint count+1), -1 for null.</summary>
    public void WriteCompactArrayLength(int count) => WriteUnsignedVarInt((uint)(count + 1));

    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var span = GetSpan(Math.Min(bytes.Length, MaxBufferSize));
            var n = Math.Min(span.Length, bytes.Length);
            bytes[..n].CopyTo(span);
            Advance(n);
            bytes = bytes[n..];
        }
    }

    /// <summary>
    /// Appends bytes by reference when large enough to be worth a separate send segment. The caller keeps
    /// <paramref name="bytes"/> alive and unchanged until the frame is sent.
    /// </summary>
    public void AppendMemory(ReadOnlyMemory<byte> bytes)
    {
        if (bytes.Length < MinReferencedMemory)
        {
            WriteRaw(bytes.Span);
            return;
        }

        SealPending();
        _chunks.Add(OutputChunk.FromMemory(bytes));
        _sealedLength += bytes.Length;
    }

    /// <summary>
    /// Appends a region of a file by reference. The handle is kept open (reference-counted) until this
    /// writer is disposed, so a segment deleted meanwhile can still be read.
    /// </summary>
    public void AppendFileRegion(SafeFileHandle file, long offset, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length == 0)
        {
            return;
        }

        var added = false;
        file.DangerousAddRef(ref added);
        _referencedFiles.Add(file);
        SealPending();
        _chunks.Add(OutputChunk.FromFile(file, offset, length));
        _sealedLength += length;
    }

    /// <summary>Reserves four bytes to be filled in later (a size prefix), returning a handle for <see cref="PatchInt32"/>.</summary>
    public Reservation ReserveInt32()
    {
        GetSpan(4);
        var reservation = new Reservation(_buffer, _position);
        Advance(4);
        return reservation;
    }

    public static void PatchInt32(Reservation reservation, int value) =>
        BinaryPrimitives.WriteInt32BigEndian(reservation.Buffer.AsSpan(reservation.Index, 4), value);

    /// <summary>The encoded frame as chunks, in order. Valid until the writer is reset or disposed.</summary>
    public IReadOnlyList<OutputChunk> GetChunks()
    {
        SealPending();
        return _chunks;
    }

    /// <summary>Copies the whole output, file regions included, into one array (tests and small frames).</summary>
    public byte[] ToArray()
    {
        var result = new byte[Length];
        var offset = 0;
        foreach (var chunk in GetChunks())
        {
            var target = result.AsSpan(offset, chunk.Length);
            if (chunk.IsFileRegion)
            {
                var read = RandomAccess.Read(chunk.File!, target, chunk.FileOffset);
                if (read != chunk.Length)
                {
                    throw new IOException($"file region shrank: read {read} of {chunk.Length} bytes");
                }
            }
            else
            {
                chunk.Memory.Span.CopyTo(target);
            }

            offset += chunk.Length;
        }

        return result;
    }

    public void Advance(int count)
    {
        if (count < 0 || _position + count > _buffer.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }

        _position += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        EnsureCapacity(Math.Max(sizeHint, 1));
        return _buffer.AsMemory(_position);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        EnsureCapacity(Math.Max(sizeHint, 1));
        return _buffer.AsSpan(_position);
    }

    /// <summary>
    /// An empty writer for a tagged value, which must be encoded before its size prefix can be written. It belongs
    /// to this writer and is reused, so tagged structs (a partition's CurrentLeader in a Fetch or Produce response)
    /// cost no allocation once it exists; a tagged value nested in it uses the scratch writer's own.
    /// </summary>
    internal ProtocolWriter RentScratch()
    {
        var scratch = _scratch ??= new ProtocolWriter();
        scratch.Reset();
        return scratch;
    }

    /// <summary>Empties the writer for reuse, keeping one buffer.</summary>
    public void Reset()
    {
        _scratch?.Reset();
        ReleaseFiles();
        _chunks.Clear();
        for (var i = 1; i < _rented.Count; i++)
        {
            ArrayPool<byte>.Shared.Return(_rented[i]);
        }

        if (_rented.Count > 1)
        {
            _rented.RemoveRange(1, _rented.Count - 1);
        }

        _buffer = _rented.Count > 0 ? _rented[0] : [];
        _pendingStart = 0;
        _position = 0;
        _sealedLength = 0;
    }

    public void Dispose()
    {
        _scratch?.Dispose();
        ReleaseFiles();
        foreach (var array in _rented)
        {
            ArrayPool<byte>.Shared.Return(array);
        }

        _rented.Clear();
        _chunks.Clear();
        _buffer = [];
        _pendingStart = _position = 0;
        _sealedLength = 0;
    }

    private void WriteUtf8(string value, int length)
    {
        if (length <= MaxBufferSize)
        {
            Encoding.UTF8.GetBytes(value, GetSpan(length));
            Advance(length);
            return;
        }

        WriteRaw(Encoding.UTF8.GetBytes(value));
    }

    private void EnsureCapacity(int size)
    {
        if (_buffer.Length - _position >= size)
        {
            return;
        }

        SealPending();
        var next = ArrayPool<byte>.Shared.Rent(Math.Clamp(Math.Max(size, _buffer.Length * 2), MinBufferSize, Math.Max(size, MaxBufferSize)));
        _rented.Add(next);
        _buffer = next;
        _pendingStart = 0;
        _position = 0;
    }

    private void SealPending()
    {
        var pending = _position - _pendingStart;
        if (pending == 0)
        {
            return;
        }

        _chunks.Add(OutputChunk.FromMemory(_buffer.AsMemory(_pendingStart, pending)));
        _sealedLength += pending;
        _pendingStart = _position;
    }

    private void ReleaseFiles()
    {
        foreach (var file in _referencedFiles)
        {
            file.DangerousRelease();
        }

        _referencedFiles.Clear();
    }

    /// <summary>A reserved slot in the output, patched once its value is known.</summary>
    public readonly record struct Reservation(byte[] Buffer, int Index);
}
