using System.Numerics;
using System.Runtime.CompilerServices;

namespace Samsa.Protocol.Records;

/// <summary>Zig-zag varint sizes and encoders over spans, for the record fields (the hot path avoids the frame writer).</summary>
internal static class VarInt
{
    public static int SizeOf(int value) => SizeOfUnsigned(ZigZag(value));

    public static int SizeOf(long value) => SizeOfUnsigned(ZigZag(value));

    /// <summary>Size of a length field: -1 (null) and 0..63 take one byte.</summary>
    public static int SizeOfBytesField(int length) => length < 0 ? 1 : SizeOf(length) + length;

    public static int Write(Span<byte> destination, int value) => WriteUnsigned(destination, ZigZag(value));

    public static int Write(Span<byte> destination, long value) => WriteUnsigned(destination, ZigZag(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ZigZag(int value) => (uint)((value << 1) ^ (value >> 31));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));

    // Seven payload bits per byte: 1 + floor(bit length - 1) / 7, with 0 taking one byte.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SizeOfUnsigned(ulong value) => ((63 - BitOperations.LeadingZeroCount(value | 1)) / 7) + 1;

    private static int WriteUnsigned(Span<byte> destination, ulong value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[i++] = (byte)value;
        return i;
    }
}
