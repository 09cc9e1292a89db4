using System.Globalization;
using System.Text;
using FsCheck.Xunit;
using Samsa.Protocol.Hashing;

namespace Samsa.Protocol.Tests.Hashing;

public class Murmur2Tests
{
    // Kafka's own test vectors for Utils.murmur2 (UtilsTest.testMurmur2).
    [Theory]
    [InlineData("21", -973932308)]
    [InlineData("foobar", -790332482)]
    [InlineData("a-little-bit-long-string", -985981536)]
    [InlineData("a-little-bit-longer-string", -1486304829)]
    [InlineData("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971)]
    [InlineData("abc", 479470107)]
    public void Matches_the_java_clients_test_vectors(string key, int expected)
    {
        Assert.Equal(expected, Murmur2.Hash(Encoding.ASCII.GetBytes(key)));
    }

    [Fact]
    public void To_positive_clears_the_sign_bit_rather_than_negating()
    {
        Assert.Equal(0, Murmur2.ToPositive(int.MinValue));
        Assert.Equal(int.MaxValue, Murmur2.ToPositive(-1));
        Assert.Equal(5, Murmur2.ToPositive(5));
        Assert.Equal(-790332482 & 0x7fffffff, Murmur2.ToPositive(-790332482));
    }

    [Fact]
    public void Default_partitioner_places_keys_by_positive_hash_modulo_partitions()
    {
        // toPositive(-790332482) = 1357151166; 1357151166 % 10 = 6, % 50 = 16.
        Assert.Equal(6, Murmur2.Partition("foobar"u8, 10));
        Assert.Equal(16, Murmur2.Partition("foobar"u8, 50));
    }

    [Fact]
    public void Partition_refuses_a_non_positive_partition_count()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Murmur2.Partition("k"u8, 0));
    }

    [Property(MaxTest = 50)]
    public bool Partition_is_always_in_range(byte[] key, ushort partitions)
    {
        var count = partitions + 1;
        var partition = Murmur2.Partition(key, count);
        return partition >= 0 && partition < count;
    }

    [Fact]
    public void Agrees_with_kafka_python_on_keys_of_every_length()
    {
        var random = new Random(20240501);
        var keys = new List<byte[]>();
        for (var length = 0; length <= 67; length++)
        {
            for (var i = 0; i < 3; i++)
            {
                var key = new byte[length];
                random.NextBytes(key);
                keys.Add(key);
            }
        }

        const string script = """
            import sys
            from kafka.partitioner.default import murmur2
            for line in sys.stdin.read().split():
                key = bytes.fromhex(line) if line != '-' else b''
                print(murmur2(key))
            """;
        var input = string.Join('\n', keys.Select(k => k.Length == 0 ? "-" : Convert.ToHexString(k)));
        var hashes = KafkaPython.Run(script, input).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(keys.Count, hashes.Length);
        for (var i = 0; i < keys.Count; i++)
        {
            // kafka-python returns the same 32 bits as an unsigned number.
            var expected = unchecked((int)uint.Parse(hashes[i], CultureInfo.InvariantCulture));
            Assert.True(expected == Murmur2.Hash(keys[i]), $"key {Convert.ToHexString(keys[i])}: python {expected}, ours {Murmur2.Hash(keys[i])}");
        }
    }
}
