using System.Text;
using FsCheck.Xunit;
using Samsa.Protocol.Hashing;

namespace Samsa.Protocol.Tests.Hashing;

public class Crc32CTests
{
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

    [Property]
    public bool Appending_in_two_parts_equals_computing_once(byte[] first, byte[] second)
    {
        var whole = first.Concat(second).ToArray();
        return Crc32C.Append(Crc32C.Compute(first), second) == Crc32C.Compute(whole);
    }

    [Property]
    public bool Agrees_with_a_bitwise_reference(byte[] data) => Crc32C.Compute(data) == BitwiseReference(data);

    private static uint BitwiseReference(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
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
