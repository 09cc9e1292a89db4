using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Samsa.Protocol.Errors;

namespace Samsa.Protocol.Records;

/// <summary>
/// Reads the varint-encoded fields of v2 records from a span. Every read is bounds-checked; malformed bytes raise
/// <see cref="KafkaErrorException"/> with <see cref="ErrorCode.InvalidRecord"/>, as Kafka's record reader does.
/// </summary>
internal ref struct RecordFieldReader(ReadOnlySpan<byte> span)
{
    private readonly ReadOnlySpan<byte> _span = span;
    private int _position;

    public readonly int Position => _position;

    public readonly int Remaining => _span.Length - _position;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte ReadByte()
    {
        if ((uint)_position >= (uint)_span.Length)
        {
            ThrowTruncated();
        }

        return _span[_position++];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ReadVarInt()
    {
        // Most record fields (lengths, deltas, counts) fit in one byte.
        if ((uint)_position < (uint)_span.Length && _span[_position] < 0x80)
        {
            var single = (uint)_span[_position++];
            return (int)(single >> 1) ^ -(int)(single & 1);
        }

        var raw = ReadUnsignedSlow(5);
        return (int)((uint)raw >> 1) ^ -(int)(raw & 1);
    }

    public long ReadVarLong()
    {
        var raw = ReadUnsignedSlow(10);
        return (long)(raw >> 1) ^ -(long)(raw & 1);
    }

    /// <summary>A length-prefixed byte field; a length of -1 is null, anything below is invalid.</summary>
    public NullableBytes ReadNullableBytes(string field)
    {
        var length = ReadVarInt();
        if (length < 0)
        {
            if (length != -1)
            {
                ThrowInvalid($"{field} has negative length {length}");
            }

            return NullableBytes.Null;
        }

        return new NullableBytes(ReadSpan(length));
    }

    public ReadOnlySpan<byte> ReadSpan(int length)
    {
        if ((uint)length > (uint)Remaining)
        {
            ThrowTruncated();
        }

        var slice = _span.Slice(_position, length);
        _position += length;
        return slice;
    }

    [DoesNotReturn]
    public static void ThrowInvalid(string message) => throw new KafkaErrorException(ErrorCode.InvalidRecord, message);

    [DoesNotReturn]
    private static void ThrowTruncated() => ThrowInvalid("record is truncated: a field runs past the end of the record");

    private ulong ReadUnsignedSlow(int maxBytes)
    {
        ulong value = 0;
        for (var i = 0; i < maxBytes; i++)
        {
            var b = ReadByte();
            value |= (ulong)(b & 0x7F) << (7 * i);
            if (b < 0x80)
            {
                return value;
            }
        }

        ThrowInvalid($"varint longer than {maxBytes} bytes");
        return 0;
    }
}
