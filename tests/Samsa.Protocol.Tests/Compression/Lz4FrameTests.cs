using K4os.Hash.xxHash;
using Samsa.Protocol.Compression;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Records;

namespace Samsa.Protocol.Tests.Compression;

public class Lz4FrameTests
{
    [Fact]
    public void Writes_the_frame_descriptor_kafka_writes()
    {
        var frame = CompressionCodecTests.Compress(CompressionType.Lz4, "hello"u8.ToArray());

        Assert.Equal(new byte[] { 0x04, 0x22, 0x4D, 0x18 }, frame[..4]);
        Assert.Equal(0x60, frame[4]); // version 01, independent blocks, no checksums, no content size
        Assert.Equal(0x40, frame[5]); // 64 KiB blocks
        Assert.Equal((byte)(XXH32.DigestOf(frame.AsSpan(4, 2)) >> 8), frame[6]);
        Assert.False(Lz4Codec.HasBrokenHeaderChecksum(frame, out _));
    }

    [Fact]
    public void Reads_a_frame_with_the_header_checksum_old_kafka_computed_over_the_magic_too()
    {
        var data = CompressionCodecTests.JsonLikeRecords(150_000);
        var frame = CompressionCodecTests.Compress(CompressionType.Lz4, data);
        frame[6] = (byte)(XXH32.DigestOf(frame.AsSpan(0, 6)) >> 8);

        Assert.True(Lz4Codec.HasBrokenHeaderChecksum(frame, out var index));
        Assert.Equal(6, index);
        Assert.Equal(data, CompressionCodecTests.Decompress(CompressionType.Lz4, frame, int.MaxValue));
    }

    [Fact]
    public void A_header_checksum_wrong_in_any_other_way_is_a_corrupt_message()
    {
        var frame = CompressionCodecTests.Compress(CompressionType.Lz4, CompressionCodecTests.JsonLikeRecords(1000));
        var broken = (byte)(XXH32.DigestOf(frame.AsSpan(0, 6)) >> 8);
        frame[6] = (byte)(frame[6] + 1 == broken ? frame[6] + 2 : frame[6] + 1);

        var e = Assert.Throws<KafkaErrorException>(() => CompressionCodecTests.Decompress(CompressionType.Lz4, frame, int.MaxValue));
        Assert.Equal(ErrorCode.CorruptMessage, e.ErrorCode);
    }
}
