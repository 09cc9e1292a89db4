using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Samsa.Protocol.Hashing;

/// <summary>
/// CRC-32C (Castagnoli), the checksum of Kafka record batches (magic 2).
/// <see cref="BitOperations.Crc32C(uint, ulong)"/> compiles to the SSE4.2 / ARMv8 CRC32 instruction where the CPU has it.
/// </summary>
/// <remarks>
/// One CRC32 instruction must wait for the previous one's result (3 cycles on current x86 cores) although the CPU
/// could start one per cycle. On x64 with PCLMULQDQ, inputs of a few hundred bytes or more are therefore cut into
/// rounds of three adjacent blocks whose CRCs run as three independent chains, then are joined: the CRC state of a
/// block followed by n more bytes is the state shifted past n zero bytes, XORed with the CRC of those n bytes
/// started from zero, and the shift is one carry-less multiplication by a constant and one CRC32 instruction
/// (see <see cref="ShiftConstant"/>). Elsewhere, and for the tail, one chain.
/// </remarks>
public static class Crc32C
{
    /// <summary>Bytes per chain in the rounds that cover most of a large input (three chains: 24 KiB per round).</summary>
    internal const int LongBlock = 8192;

    /// <summary>Bytes per chain in the rounds that cover what the long rounds leave (768 bytes per round).</summary>
    internal const int ShortBlock = 256;

    // ShiftConstant(n) for the distances the rounds need; a test recomputes them from the polynomial.
    internal const ulong ShiftLongBlock = 0x54A86326;
    internal const ulong ShiftTwoLongBlocks = 0x1DC403CC;
    internal const ulong ShiftShortBlock = 0xB9E02B86;
    internal const ulong ShiftTwoShortBlocks = 0xDD7E3B0C;

    /// <summary>The reflected Castagnoli polynomial without its x^32 term.</summary>
    internal const uint Polynomial = 0x82F63B78;

    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>Continues a checksum over more bytes, as if the two spans were one.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        var state = ~crc;
        if (data.Length >= 3 * ShortBlock && Sse42.X64.IsSupported && Pclmulqdq.IsSupported)
        {
            var done = 0;
            state = Interleaved(state, data, ref done);
            data = data[done..];
        }

        return ~SingleChain(state, data);
    }

    /// <summary>
    /// x^(8n-33) mod P, bit-reflected: carry-less multiplying a CRC state by it gives a 63-bit product that the CRC32
    /// instruction (which multiplies by x^32 while reducing, and the reflected product carries one more x) turns into
    /// the state shifted past n zero bytes. Computed bit by bit; for tests and for choosing new block sizes.
    /// </summary>
    internal static uint ShiftConstant(int bytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bytes, 5);
        var value = 0x80000000u; // x^0
        for (var i = 0; i < (8 * bytes) - 33; i++)
        {
            value = (value >> 1) ^ ((value & 1) * Polynomial);
        }

        return value;
    }

    /// <summary>One dependent chain of CRC32 instructions over the raw (not inverted) state; the fallback and the tail.</summary>
    internal static uint SingleChain(uint state, ReadOnlySpan<byte> data)
    {
        if (!Sse42.X64.IsSupported)
        {
            return PortableChain(state, data);
        }

        // A 64-bit state spares the zero-extending move that a uint result puts between two instructions.
        ulong wide = state;
        while (data.Length >= 32)
        {
            wide = Sse42.X64.Crc32(wide, BinaryPrimitives.ReadUInt64LittleEndian(data));
            wide = Sse42.X64.Crc32(wide, BinaryPrimitives.ReadUInt64LittleEndian(data[8..]));
            wide = Sse42.X64.Crc32(wide, BinaryPrimitives.ReadUInt64LittleEndian(data[16..]));
            wide = Sse42.X64.Crc32(wide, BinaryPrimitives.ReadUInt64LittleEndian(data[24..]));
            data = data[32..];
        }

        while (data.Length >= 8)
        {
            wide = Sse42.X64.Crc32(wide, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        return PortableChain((uint)wide, data);
    }

    /// <summary>The chain through <see cref="BitOperations.Crc32C(uint, ulong)"/>: the CRC32 instruction on x86 and Arm64, a table elsewhere.</summary>
    internal static uint PortableChain(uint state, ReadOnlySpan<byte> data)
    {
        while (data.Length >= 8)
        {
            state = BitOperations.Crc32C(state, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        foreach (var b in data)
        {
            state = BitOperations.Crc32C(state, b);
        }

        return state;
    }

    /// <summary>Whole long rounds, then whole short rounds; <paramref name="done"/> says how many bytes they covered.</summary>
    private static uint Interleaved(uint state, ReadOnlySpan<byte> data, ref int done)
    {
        ref var start = ref MemoryMarshal.GetReference(data);
        var length = (nuint)data.Length;
        nuint offset = 0;
        while (length - offset >= 3 * LongBlock)
        {
            state = Round(state, ref Unsafe.Add(ref start, offset), LongBlock, ShiftLongBlock, ShiftTwoLongBlocks);
            offset += 3 * LongBlock;
        }

        while (length - offset >= 3 * ShortBlock)
        {
            state = Round(state, ref Unsafe.Add(ref start, offset), ShortBlock, ShiftShortBlock, ShiftTwoShortBlocks);
            offset += 3 * ShortBlock;
        }

        done = (int)offset;
        return state;
    }

    /// <summary>The state after three adjacent blocks of <paramref name="block"/> bytes at <paramref name="first"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Round(uint state, ref byte first, nuint block, ulong shiftOne, ulong shiftTwo)
    {
        ref var second = ref Unsafe.Add(ref first, block);
        ref var third = ref Unsafe.Add(ref second, block);

        // The states stay 64-bit: truncating each result to uint puts a zero-extending move on every chain,
        // one more cycle of latency per 8 bytes.
        ulong a = state;
        ulong b = 0;
        ulong c = 0;
        for (nuint i = 0; i < block; i += 8)
        {
            a = Sse42.X64.Crc32(a, ReadUInt64(ref first, i));
            b = Sse42.X64.Crc32(b, ReadUInt64(ref second, i));
            c = Sse42.X64.Crc32(c, ReadUInt64(ref third, i));
        }

        return Shift(a, shiftTwo) ^ Shift(b, shiftOne) ^ (uint)c;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ReadUInt64(ref byte source, nuint offset)
    {
        var value = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref source, offset));
        return BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value);
    }

    /// <summary>The raw state <paramref name="state"/> shifted past the zero bytes that <paramref name="constant"/> stands for.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Shift(ulong state, ulong constant)
    {
        var product = Pclmulqdq.CarrylessMultiply(Vector128.CreateScalarUnsafe(state), Vector128.CreateScalarUnsafe(constant), 0x00);
        return (uint)Sse42.X64.Crc32(0, product.ToScalar());
    }
}
