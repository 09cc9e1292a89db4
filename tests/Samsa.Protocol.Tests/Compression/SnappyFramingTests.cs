using System.Buffers;
using System.Buffers.Binary;
using Samsa.Protocol.Compression;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Records;
using Snappier;

namespace Samsa.Protocol.Tests.Compression;

public class SnappyFramingTests
{
    [Fact]
    public void Writes_the_xerial_header_the_java_client_writes()
    {
        var framed = CompressionCodecTests.Compress(CompressionType.Snappy, "hello"u8.ToArray());
        Assert.Equal(new byte[] { 0x82, (byte)'S', (byte)'N', (byte)'A', (byte)'P', (byte)'P', (byte)'Y', 0, 0, 0, 0, 1, 0, 0, 0, 1 }, framed[..16]);
        Assert.True(SnappyCodec.IsXerialFramed(framed));
    }

    [Fact]
    public void Splits_input_into_32_KiB_blocks_with_big_endian_lengths()
    {
        var data = CompressionCodecTests.JsonLikeRecords(100_000);
        var framed = CompressionCodecTests.Compress(CompressionType.Snappy, data);

        var blocks = 0;
        var rest = framed.AsSpan(16);
        while (!rest.IsEmpty)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(rest);
            Assert.True(Snappy.GetUncompressedLength(rest.Slice(4, length)) <= 32 * 1024);
            rest = rest[(4 + length)..];
            blocks++;
        }

        Assert.Equal(4, blocks);
    }

    [Fact]
    public void Reads_a_bare_snappy_block_as_librdkafka_writes()
    {
        var data = CompressionCodecTests.JsonLikeRecords(50_000);
        var raw = Snappy.CompressToArray(data);
        Assert.False(SnappyCodec.IsXerialFramed(raw));
        Assert.Equal(data, CompressionCodecTests.Decompress(CompressionType.Snappy, raw, int.MaxValue));
    }

    [Fact]
    public void Raw_mode_writes_a_bare_block()
    {
        var output = new ArrayBufferWriter<byte>();
        new SnappyCodec(xerialFraming: false).Compress("abcabcabc"u8, output);
        Assert.Equal("abcabcabc"u8.ToArray(), Snappy.DecompressToArray(output.WrittenSpan));
    }

    [Fact]
    public void Reads_xerial_streams_written_back_to_back()
    {
        var first = CompressionCodecTests.Compress(CompressionType.Snappy, "first-"u8.ToArray());
        var second = CompressionCodecTests.Compress(CompressionType.Snappy, "second"u8.ToArray());
        Assert.Equal("first-second"u8.ToArray(), CompressionCodecTests.Decompress(CompressionType.Snappy, [.. first, .. second], int.MaxValue));
    }

    [Fact]
    public void A_block_length_past_the_end_is_a_corrupt_message()
    {
        var framed = CompressionCodecTests.Compress(CompressionType.Snappy, "hello hello hello"u8.ToArray());
        BinaryPrimitives.WriteInt32BigEndian(framed.AsSpan(16), framed.Length);
        var e = Assert.Throws<KafkaErrorException>(() => CompressionCodecTests.Decompress(CompressionType.Snappy, framed, int.MaxValue));
        Assert.Equal(ErrorCode.CorruptMessage, e.ErrorCode);
    }

    [Fact]
    public void A_block_declaring_more_than_the_limit_is_refused_before_decoding()
    {
        var framed = CompressionCodecTests.Compress(CompressionType.Snappy, new byte[20_000]);
        var e = Assert.Throws<KafkaErrorException>(() => CompressionCodecTests.Decompress(CompressionType.Snappy, framed, 10_000));
        Assert.Equal(ErrorCode.MessageTooLarge, e.ErrorCode);
    }
}
