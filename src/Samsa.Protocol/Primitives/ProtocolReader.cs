using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Samsa.Protocol.Primitives;

/// <summary>
/// Reads Kafka's wire primitives from one frame. Every length is checked against the bytes left before
/// anything is allocated, so a hostile frame costs at most its own size; a bad encoding raises
/// <see cref="ProtocolDecodeException"/> and nothing else.
/// </summary>
public ref struct ProtocolReader
{
    private readonly ReadOnlyMemory<byte> _memory;
    private readonly ReadOnlySpan<byte> _span;
    private int _position;

    public ProtocolReader(ReadOnlyMemory<byte> frame)
    {
        _memory = frame;
        _span = frame.Span;
        _position = 0;
    }

    public readonly int Position => _position;

    public readonly int Remaining => _span.Length - _position;

    public readonly bool IsAtEnd => _position == _span.Length;

    public sbyte ReadInt8() => (sbyte)Take(1)[0];

    public bool ReadBool() => Take(1)[0] != 0;

    public short ReadInt16() => BinaryPrimitives.ReadInt16BigEndian(Take(2));

    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));

    public int ReadInt32() => BinaryPrimitives.ReadInt32BigEndian(Take(4));

    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

    public long ReadInt64() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

    public double ReadFloat64() => BinaryPrimitives.ReadDoubleBigEndian(Take(8));

    public Uuid ReadUuid() => Uuid.Read(Take(16));

    public uint ReadUnsignedVarInt()
    {
        uint value = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            var b = Take(1)[0];
            value |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw new ProtocolDecodeException("unsigned varint longer than 5 bytes");
    }

    public ulong ReadUnsignedVarLong()
    {
        ulong value = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            var b = Take(1)[0];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw new ProtocolDecodeException("unsigned varlong longer than 10 bytes");
    }

    /// <summary>Zig-zag signed varint, as record fields use.</summary>
    public int ReadVarInt()
    {
        var raw = ReadUnsignedVarInt();
        return (int)(raw >> 1) ^ -(int)(raw & 1);
    }

    public long ReadVarLong()
    {
        var raw = ReadUnsignedVarLong();
        return (long)(raw >> 1) ^ -(long)(raw & 1);
    }

    public string ReadString() => ReadNullableString() ?? throw new ProtocolDecodeException("null where a string is required");

    public string? ReadNullableString() => DecodeUtf8(ReadInt16());

    public string ReadCompactString() => ReadCompactNullableString() ?? throw new ProtocolDecodeException("null where a compact string is required");

    public string? ReadCompactNullableString() => DecodeUtf8(CompactLength());

    public byte[] ReadBytes() => ReadNullableBytes() ?? throw new ProtocolDecodeException("null where bytes are required");

    public byte[]? ReadNullableBytes() => CopyBytes(ReadInt32());

    public byte[] ReadCompactBytes() => ReadCompactNullableBytes() ?? throw new ProtocolDecodeException("null where compact bytes are required");

    public byte[]? ReadCompactNullableBytes() => CopyBytes(CompactLength());

    /// <summary>A slice of the frame itself, without copying (record sets ride on this).</summary>
    public ReadOnlyMemory<byte> ReadSlice(int length)
    {
        CheckAvailable(length);
        var slice = _memory.Slice(_position, length);
        _position += length;
        return slice;
    }

    /// <summary>The element count of a classic array, -1 for null. Every element takes at least <paramref name="minElementSize"/> bytes.</summary>
    public int ReadArrayLength(int minElementSize = 1) => CheckCount(ReadInt32(), minElementSize);

    /// <summary>The element count of a compact array (stored as count+1), -1 for null.</summary>
    public int ReadCompactArrayLength(int minElementSize = 1) => CheckCount(CompactLength(), minElementSize);

    /// <summary>
    /// A <c>records</c> field: an int32 (or, when <paramref name="compact"/>, unsigned varint+1) length and
    /// that many bytes, returned as a slice of the frame. Null (length -1) only where <paramref name="nullable"/>.
    /// </summary>
    public MemoryRecords? ReadRecords(bool compact, bool nullable)
    {
        var length = compact ? CompactLength() : ReadInt32();
        if (length < 0)
        {
            if (length == -1 && nullable)
            {
                return null;
            }

            throw new ProtocolDecodeException(length == -1 ? "null where records are required" : $"negative records length {length}");
        }

        return new MemoryRecords(ReadSlice(length));
    }

    /// <summary>The number of fields in a tagged-field section; each takes at least two bytes (tag and size).</summary>
    internal int ReadTaggedFieldCount()
    {
        var count = ReadUnsignedVarInt();
        if (count > (uint)Remaining / 2)
        {
            throw new ProtocolDecodeException($"{count} tagged fields cannot fit in the {Remaining} bytes left");
        }

        return (int)count;
    }

    internal int ReadTag()
    {
        var tag = ReadUnsignedVarInt();
        if (tag > int.MaxValue)
        {
            throw new ProtocolDecodeException($"tag {tag} is out of range");
        }

        return (int)tag;
    }

    /// <summary>The size-prefixed value of a known tagged field, as a reader confined to exactly those bytes.</summary>
    internal ProtocolReader ReadTaggedValue()
    {
        var size = ReadUnsignedVarInt();
        if (size > (uint)Remaining)
        {
            throw new ProtocolDecodeException($"tagged field of {size} bytes at position {_position}, {Remaining} left");
        }

        return new ProtocolReader(ReadSlice((int)size));
    }

    /// <summary>The size-prefixed value of an unknown tagged field, copied so it outlives the frame.</summary>
    internal RawTaggedField ReadUnknownTaggedField(int tag)
    {
        var size = ReadUnsignedVarInt();
        if (size > (uint)Remaining)
        {
            throw new ProtocolDecodeException($"tagged field of {size} bytes at position {_position}, {Remaining} left");
        }

        return new RawTaggedField(tag, ReadSlice((int)size).ToArray());
    }

    /// <summary>Fails unless every byte was consumed (a tagged field's value must fill its declared size exactly).</summary>
    internal readonly void EnsureConsumed(string what)
    {
        if (Remaining != 0)
        {
            throw new ProtocolDecodeException($"{Remaining} unread bytes left in {what}");
        }
    }

    public void Skip(int length)
    {
        CheckAvailable(length);
        _position += length;
    }

    /// <summary>A compact length (unsigned varint of length+1); -1 means null.</summary>
    public int CompactLength()
    {
        var raw = ReadUnsignedVarInt();
        if (raw > int.MaxValue)
        {
            throw new ProtocolDecodeException($"compact length {raw} is out of range");
        }

        return (int)raw - 1;
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        CheckAvailable(count);
        var slice = _span.Slice(_position, count);
        _position += count;
        return slice;
    }

    private readonly void CheckAvailable(int count)
    {
        if (count < 0 || count > Remaining)
        {
            throw new ProtocolDecodeException($"need {count} bytes at position {_position}, {Remaining} left");
        }
    }

    private readonly int CheckCount(int count, int minElementSize)
    {
        if (count < -1)
        {
            throw new ProtocolDecodeException($"negative array length {count}");
        }

        if ((long)count * Math.Max(minElementSize, 1) > Remaining)
        {
            throw new ProtocolDecodeException($"array of {count} elements cannot fit in the {Remaining} bytes left");
        }

        return count;
    }

    private string? DecodeUtf8(int length)
    {
        if (length < -1)
        {
            throw new ProtocolDecodeException($"negative string length {length}");
        }

        if (length == -1)
        {
            return null;
        }

        // Malformed UTF-8 becomes U+FFFD, as Kafka's own decoder does, rather than failing the request.
        return Encoding.UTF8.GetString(Take(length));
    }

    private byte[]? CopyBytes(int length)
    {
        if (length < -1)
        {
            throw new ProtocolDecodeException($"negative bytes length {length}");
        }

        return length == -1 ? null : Take(length).ToArray();
    }

    /// <summary>Writable view of a slice returned by <see cref="ReadSlice"/>, for callers that own the frame (offset assignment patches batches in place).</summary>
    public static Memory<byte> AsWritable(ReadOnlyMemory<byte> slice) => MemoryMarshal.AsMemory(slice);
}
