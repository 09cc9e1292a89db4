using System.Buffers;
using System.Buffers.Binary;
using K4os.Compression.LZ4;
using K4os.Compression.LZ4.Streams;
using K4os.Hash.xxHash;
using Samsa.Protocol.Buffers;
using Samsa.Protocol.Records;

namespace Samsa.Protocol.Compression;

/// <summary>
/// LZ4 in the LZ4 frame format, written the way Kafka's Java client writes it: independent 64 KiB blocks, no block
/// or content checksums, no content size (Kafka's reader refuses linked blocks). Reading accepts any valid frame,
/// and also frames carrying the header checksum that Kafka 0.8/0.9 computed wrongly (over the magic number too),
/// which the frame library would otherwise refuse.
/// </summary>
public sealed class Lz4Codec : CompressionCodec
{
    /// <summary>Kafka's <c>compression.lz4.level</c> default, at which it uses the fast (non-HC) compressor.</summary>
    public const int DefaultLevel = 9;

    private const uint FrameMagic = 0x184D2204;
    private const int BlockSize = 64 * 1024;
    private const byte ContentSizeFlag = 0x08;
    private const byte DictionaryIdFlag = 0x01;

    private readonly LZ4EncoderSettings _settings;

    public Lz4Codec(int level = DefaultLevel)
    {
        if (level is < 1 or > 17)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "lz4 levels are 1-17");
        }

        Level = level;
        _settings = new LZ4EncoderSettings
        {
            ChainBlocks = false,
            BlockSize = BlockSize,
            BlockChecksum = false,
            ContentChecksum = false,
            ContentLength = null,
            // Kafka's default level means lz4's fast compressor; any other level is lz4hc, whose levels stop at 12.
            CompressionLevel = level == DefaultLevel ? LZ4Level.L00_FAST : (LZ4Level)Math.Clamp(level, 3, 12),
        };
    }

    public int Level { get; }

    public override CompressionType Type => CompressionType.Lz4;

    public override void Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination) =>
        LZ4Frame.Encode(source, destination, _settings);

    protected override void DecompressCore(ReadOnlySpan<byte> source, PooledBufferWriter destination)
    {
        if (!HasBrokenHeaderChecksum(source, out var checksumIndex))
        {
            LZ4Frame.Decode(source, destination, 0);
            return;
        }

        // Rare path: fix the checksum byte in a pooled copy rather than refuse the batch.
        var copy = ArrayPool<byte>.Shared.Rent(source.Length);
        try
        {
            source.CopyTo(copy);
            copy[checksumIndex] = DescriptorChecksum(source[4..checksumIndex]);
            LZ4Frame.Decode(copy.AsSpan(0, source.Length), destination, 0);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    /// <summary>
    /// True when the frame descriptor checksum is wrong in the specific way old Kafka wrote it: computed over the
    /// magic number and the descriptor, instead of over the descriptor alone.
    /// </summary>
    internal static bool HasBrokenHeaderChecksum(ReadOnlySpan<byte> frame, out int checksumIndex)
    {
        checksumIndex = 0;
        if (frame.Length < 7 || BinaryPrimitives.ReadUInt32LittleEndian(frame) != FrameMagic)
        {
            return false;
        }

        var flags = frame[4];
        checksumIndex = 6 + ((flags & ContentSizeFlag) != 0 ? 8 : 0) + ((flags & DictionaryIdFlag) != 0 ? 4 : 0);
        if (frame.Length <= checksumIndex)
        {
            return false;
        }

        var stored = frame[checksumIndex];
        return stored != DescriptorChecksum(frame[4..checksumIndex])
            && stored == DescriptorChecksum(frame[..checksumIndex]);
    }

    /// <summary>The frame format's header checksum: the second byte of xxHash32 (seed 0) of the descriptor.</summary>
    internal static byte DescriptorChecksum(ReadOnlySpan<byte> descriptor) => (byte)(XXH32.DigestOf(descriptor) >> 8);
}
