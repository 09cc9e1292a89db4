using System.Buffers;
using System.Text;
using FsCheck.Xunit;
using Samsa.Protocol.Buffers;
using Samsa.Protocol.Compression;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Records;

namespace Samsa.Protocol.Tests.Compression;

public class CompressionCodecTests
{
    public static TheoryData<CompressionType> AllCodecs => new()
    {
        CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd,
    };

    public static TheoryData<CompressionType> RealCodecs => new()
    {
        CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd,
    };

    [Theory]
    [MemberData(nameof(AllCodecs))]
    public void Empty_input_round_trips(CompressionType type) => AssertRoundTrip(type, []);

    [Theory]
    [MemberData(nameof(AllCodecs))]
    public void One_byte_round_trips(CompressionType type) => AssertRoundTrip(type, [42]);

    [Theory]
    [MemberData(nameof(AllCodecs))]
    public void Large_compressible_input_round_trips_across_many_blocks(CompressionType type)
    {
        var json = JsonLikeRecords(3 * 1024 * 1024 + 7);
        var compressed = AssertRoundTrip(type, json);
        if (type != CompressionType.None)
        {
            Assert.True(compressed < json.Length / 3, $"{type} compressed {json.Length} JSON bytes only to {compressed}");
        }
    }

    [Theory]
    [MemberData(nameof(AllCodecs))]
    public void Large_incompressible_input_round_trips(CompressionType type)
    {
        var random = new byte[1024 * 1024 + 3];
        new Random(7).NextBytes(random);
        AssertRoundTrip(type, random);
    }

    [Property(MaxTest = 40)]
    public bool Arbitrary_bytes_round_trip_through_every_codec(byte[] data)
    {
        foreach (var type in new[] { CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd })
        {
            if (!Decompress(type, Compress(type, data), int.MaxValue).AsSpan().SequenceEqual(data))
            {
                return false;
            }
        }

        return true;
    }

    [Theory]
    [InlineData(CompressionType.Gzip, 1)]
    [InlineData(CompressionType.Gzip, 9)]
    [InlineData(CompressionType.Lz4, 1)]
    [InlineData(CompressionType.Lz4, 12)]
    [InlineData(CompressionType.Lz4, 17)]
    [InlineData(CompressionType.Zstd, -5)]
    [InlineData(CompressionType.Zstd, 12)]
    public void Every_level_round_trips(CompressionType type, int level)
    {
        var codec = CompressionCodec.Create(type, level);
        var data = JsonLikeRecords(50_000);
        var output = new ArrayBufferWriter<byte>();
        codec.Compress(data, output);
        using var result = new PooledBufferWriter();
        codec.Decompress(output.WrittenSpan, result, int.MaxValue);
        Assert.Equal(data, result.ToArray());
    }

    [Theory]
    [InlineData(CompressionType.Gzip, 0)]
    [InlineData(CompressionType.Gzip, 10)]
    [InlineData(CompressionType.Lz4, 0)]
    [InlineData(CompressionType.Lz4, 18)]
    [InlineData(CompressionType.Zstd, 23)]
    public void Levels_outside_kafkas_ranges_are_refused(CompressionType type, int level)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CompressionCodec.Create(type, level));
    }

    [Theory]
    [MemberData(nameof(AllCodecs))]
    public void Output_exactly_at_the_limit_is_accepted(CompressionType type)
    {
        var data = JsonLikeRecords(100_000);
        Assert.Equal(data, Decompress(type, Compress(type, data), data.Length));
    }

    [Theory]
    [MemberData(nameof(AllCodecs))]
    public void A_decompression_bomb_fails_with_message_too_large_without_filling_memory(CompressionType type)
    {
        // 16 MiB of zeros compresses to a few KiB (except uncompressed); the limit is 1 MiB.
        var zeros = new byte[16 * 1024 * 1024];
        var bomb = Compress(type, zeros);
        const int limit = 1024 * 1024;

        using var destination = new PooledBufferWriter();
        var e = Assert.Throws<KafkaErrorException>(() => CompressionCodec.Get(type).Decompress(bomb, destination, limit));

        Assert.Equal(ErrorCode.MessageTooLarge, e.ErrorCode);
        Assert.True(destination.Capacity <= 4 * limit, $"{type} grew its buffer to {destination.Capacity} bytes before refusing");
        Assert.Equal(int.MaxValue, destination.Limit);
    }

    [Theory]
    [MemberData(nameof(RealCodecs))]
    public void Garbage_input_is_a_corrupt_message(CompressionType type)
    {
        var garbage = new byte[4096];
        new Random(3).NextBytes(garbage);
        var e = Assert.Throws<KafkaErrorException>(() => Decompress(type, garbage, int.MaxValue));
        Assert.Equal(ErrorCode.CorruptMessage, e.ErrorCode);
    }

    [Theory]
    [MemberData(nameof(RealCodecs))]
    public void Truncated_input_is_a_corrupt_message(CompressionType type)
    {
        var compressed = Compress(type, JsonLikeRecords(300_000));
        var e = Assert.Throws<KafkaErrorException>(() => Decompress(type, compressed[..(compressed.Length / 2)], int.MaxValue));
        Assert.Equal(ErrorCode.CorruptMessage, e.ErrorCode);
    }

    [Fact]
    public void Decompression_appends_after_what_the_destination_already_holds()
    {
        using var destination = new PooledBufferWriter();
        destination.Write("head"u8);
        CompressionCodec.Get(CompressionType.Zstd).Decompress(Compress(CompressionType.Zstd, "tail"u8.ToArray()), destination, 4);
        Assert.Equal("headtail", Encoding.ASCII.GetString(destination.WrittenSpan));
    }

    [Fact]
    public void Unknown_codec_ids_are_corrupt_messages()
    {
        var e = Assert.Throws<KafkaErrorException>(() => CompressionCodec.Get((CompressionType)5));
        Assert.Equal(ErrorCode.CorruptMessage, e.ErrorCode);
    }

    internal static byte[] Compress(CompressionType type, byte[] data)
    {
        var output = new ArrayBufferWriter<byte>();
        CompressionCodec.Get(type).Compress(data, output);
        return output.WrittenSpan.ToArray();
    }

    internal static byte[] Decompress(CompressionType type, byte[] data, int limit)
    {
        using var output = new PooledBufferWriter();
        CompressionCodec.Get(type).Decompress(data, output, limit);
        return output.ToArray();
    }

    /// <summary>Realistic record payloads: small JSON documents with repeated field names and varying values.</summary>
    internal static byte[] JsonLikeRecords(int size)
    {
        var random = new Random(size);
        var text = new StringBuilder(size + 256);
        var i = 0;
        while (text.Length < size)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture,
                $$"""{"id":{{i++}},"user":"user-{{random.Next(10_000)}}","event":"{{(random.Next(3) == 0 ? "click" : "view")}}","ts":{{1_700_000_000_000 + i * 37}},"amount":{{random.NextDouble() * 100:F2}},"tags":["a","b{{random.Next(50)}}"]}""");
            text.Append('\n');
        }

        return Encoding.UTF8.GetBytes(text.ToString(0, size));
    }

    private static int AssertRoundTrip(CompressionType type, byte[] data)
    {
        var compressed = Compress(type, data);
        Assert.Equal(data, Decompress(type, compressed, data.Length));
        return compressed.Length;
    }
}
