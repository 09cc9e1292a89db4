using System.Buffers.Binary;
using System.Numerics;
using System.Text;
using FsCheck.Xunit;
using Samsa.Protocol.Hashing;

namespace Samsa.Protocol.Tests.Hashing;

public class Crc32CTests
{
    private const int OneMiB = 1024 * 1024;
    private const int LongRound = 3 * Crc32C.LongBlock;
    private const int ShortRound = 3 * Crc32C.ShortBlock;

    [Theory]
    [InlineData("", 0x00000000u)]
    [InlineData("a", 0xC1D04330u)]
    [InlineData("123456789", 0xE3069283u)]
    [InlineData("The quick brown fox jumps over the lazy dog", 0x22620404u)]
    public void Matches_published_check_values(string input, uint expected)
    {
        Assert.Equal(expected, Crc32C.Compute(Encoding.ASCII.GetBytes(input)));
    }

    [Fact]
    public void Thirty_two_zero_bytes_match_the_iscsi_test_vector()
    {
        Assert.Equal(0x8A9136AAu, Crc32C.Compute(new byte[32]));
    }

    [Fact]
    public void Thirty_two_0xFF_bytes_and_an_ascending_sequence_match_the_iscsi_test_vectors()
    {
        Assert.Equal(0x62A8AB43u, Crc32C.Compute(Enumerable.Repeat((byte)0xFF, 32).ToArray()));
        Assert.Equal(0x46DD794Eu, Crc32C.Compute(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()));
    }

    [Property]
    public bool Appending_in_two_parts_equals_computing_once(byte[] first, byte[] second)
    {
        var whole = first.Concat(second).ToArray();
        return Crc32C.Append(Crc32C.Compute(first), second) == Crc32C.Compute(whole);
    }

    [Property]
    public bool Agrees_with_a_bitwise_reference(byte[] data) => Crc32C.Compute(data) == BitwiseReference(0, data);

    [Theory]
    [InlineData(Crc32C.ShortBlock, Crc32C.ShiftShortBlock)]
    [InlineData(2 * Crc32C.ShortBlock, Crc32C.ShiftTwoShortBlocks)]
    [InlineData(Crc32C.LongBlock, Crc32C.ShiftLongBlock)]
    [InlineData(2 * Crc32C.LongBlock, Crc32C.ShiftTwoLongBlocks)]
    public void Shift_constants_are_the_powers_of_x_they_stand_for(int bytes, ulong constant)
    {
        Assert.Equal(constant, Crc32C.ShiftConstant(bytes));
    }

    /// <summary>
    /// Lengths and alignments chosen at random across every regime: below one short round, whole and partial short
    /// and long rounds, odd tails, from any starting checksum, at any offset into the array.
    /// </summary>
    [Property(MaxTest = 300)]
    public bool Equals_the_single_chain_implementation_at_random_lengths_and_alignments(int seed)
    {
        var random = new Random(seed);
        var length = random.Next(6) switch
        {
            0 => random.Next(64),
            1 => random.Next(4 * ShortRound),
            2 => (ShortRound * random.Next(1, 8)) + random.Next(-9, 10),
            3 => (LongRound * random.Next(1, 4)) + random.Next(-9, 10),
            4 => (LongRound * random.Next(1, 3)) + (ShortRound * random.Next(0, 32)) + random.Next(0, ShortRound),
            _ => random.Next(3 * LongRound),
        };
        length = Math.Max(length, 0);
        var offset = random.Next(16);
        var buffer = new byte[offset + length + random.Next(16)];
        random.NextBytes(buffer);
        var data = buffer.AsSpan(offset, length);
        var initial = random.Next(4) == 0 ? 0u : (uint)random.Next() ^ ((uint)random.Next() << 16);

        return Crc32C.Append(initial, data) == PreviousImplementation(initial, data);
    }

    /// <summary>The chain used where the CPU lacks the x64 instructions, tested directly since this machine has them.</summary>
    [Property(MaxTest = 100)]
    public bool The_portable_chain_agrees_with_the_bitwise_reference(byte[] data, uint initial) =>
        ~Crc32C.PortableChain(~initial, data) == BitwiseReference(initial, data);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    public void One_mebibyte_at_any_alignment_equals_the_single_chain_and_bitwise_references(int offset)
    {
        var buffer = new byte[OneMiB + 16];
        new Random(offset).NextBytes(buffer);
        var data = buffer.AsSpan(offset, OneMiB);

        var expected = PreviousImplementation(0, data);
        Assert.Equal(expected, Crc32C.Compute(data));
        Assert.Equal(expected, BitwiseReference(0, data));
        Assert.Equal(PreviousImplementation(0xDEADBEEF, data[..^offset]), Crc32C.Append(0xDEADBEEF, data[..^offset]));
    }

    [Fact]
    public void Every_length_around_the_round_boundaries_equals_the_single_chain()
    {
        var buffer = new byte[(2 * LongRound) + (3 * ShortRound) + 64];
        new Random(5).NextBytes(buffer);
        int[] boundaries = [ShortRound, 2 * ShortRound, LongRound, LongRound + ShortRound, 2 * LongRound, (2 * LongRound) + (3 * ShortRound)];
        foreach (var boundary in boundaries)
        {
            for (var length = boundary - 17; length <= boundary + 17; length++)
            {
                var data = buffer.AsSpan(3, length);
                Assert.True(PreviousImplementation(0, data) == Crc32C.Compute(data), $"length {length}");
            }
        }
    }

    [Property(MaxTest = 50)]
    public bool Splitting_a_large_input_anywhere_gives_the_same_checksum(int seed)
    {
        var random = new Random(seed);
        var data = new byte[random.Next(ShortRound, 3 * LongRound)];
        random.NextBytes(data);
        var cut = random.Next(data.Length + 1);
        return Crc32C.Append(Crc32C.Compute(data.AsSpan(0, cut)), data.AsSpan(cut)) == Crc32C.Compute(data);
    }

    /// <summary>The library's implementation before the chains were interleaved: one CRC32 instruction after another.</summary>
    private static uint PreviousImplementation(uint crc, ReadOnlySpan<byte> data)
    {
        var state = ~crc;
        while (data.Length >= 8)
        {
            state = BitOperations.Crc32C(state, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        foreach (var b in data)
        {
            state = BitOperations.Crc32C(state, b);
        }

        return ~state;
    }

    private static uint BitwiseReference(uint initial, ReadOnlySpan<byte> data)
    {
        var crc = ~initial;
        foreach (var b in data)
        {
            crc ^= b;
            for (var i = 0; i < 8; i++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
            }
        }

        return ~crc;
    }
}
