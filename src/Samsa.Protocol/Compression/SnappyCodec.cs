using System.Buffers;
using System.Buffers.Binary;
using Samsa.Protocol.Buffers;
using Samsa.Protocol.Records;
using Snappier;

namespace Samsa.Protocol.Compression;

/// <summary>
/// Snappy, in both forms found in Kafka batches: the xerial framing the Java client writes (a 16-byte header, then
/// blocks each prefixed by a big-endian int32 length), and a bare snappy block (librdkafka's historical output).
/// Reading detects the framing by its magic; writing uses the framing by default, as the Java client does.
/// </summary>
public sealed class SnappyCodec : CompressionCodec
{
    /// <summary>Uncompressed bytes per xerial block: the Java client's default.</summary>
    public const int DefaultXerialBlockSize = 32 * 1024;

    private const int XerialHeaderSize = 16;
    private const int XerialVersion = 1;
    private const int XerialCompatibleVersion = 1;

    // 0x82 'S' 'N' 'A' 'P' 'P' 'Y' 0, then version and compatible version as big-endian int32.
    private static ReadOnlySpan<byte> XerialMagic => [0x82, (byte)'S', (byte)'N', (byte)'A', (byte)'P', (byte)'P', (byte)'Y', 0];

    private readonly int _blockSize;

    public SnappyCodec(bool xerialFraming = true, int xerialBlockSize = DefaultXerialBlockSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(xerialBlockSize);
        XerialFraming = xerialFraming;
        _blockSize = xerialBlockSize;
    }

    public bool XerialFraming { get; }

    public override CompressionType Type => CompressionType.Snappy;

    public static bool IsXerialFramed(ReadOnlySpan<byte> data) =>
        data.Length >= XerialHeaderSize && data.StartsWith(XerialMagic);

    public override void Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination)
    {
        if (!XerialFraming)
        {
            CompressBlock(source, destination, lengthPrefix: false);
            return;
        }

        var header = destination.GetSpan(XerialHeaderSize);
        XerialMagic.CopyTo(header);
        BinaryPrimitives.WriteInt32BigEndian(header[8..], XerialVersion);
        BinaryPrimitives.WriteInt32BigEndian(header[12..], XerialCompatibleVersion);
        destination.Advance(XerialHeaderSize);

        while (!source.IsEmpty)
        {
            var block = source[..Math.Min(_blockSize, source.Length)];
            CompressBlock(block, destination, lengthPrefix: true);
            source = source[block.Length..];
        }
    }

    protected override void DecompressCore(ReadOnlySpan<byte> source, PooledBufferWriter destination)
    {
        if (!IsXerialFramed(source))
        {
            DecompressBlock(source, destination);
            return;
        }

        var remaining = source[XerialHeaderSize..];
        while (!remaining.IsEmpty)
        {
            if (remaining.Length < 4)
            {
                throw Corrupt(Type, "truncated xerial block length");
            }

            // xerial's reader accepts streams written back to back: a second header where a length would be.
            if (IsXerialFramed(remaining))
            {
                remaining = remaining[XerialHeaderSize..];
                continue;
            }

            var length = BinaryPrimitives.ReadInt32BigEndian(remaining);
            if (length < 0 || length > remaining.Length - 4)
            {
                throw Corrupt(Type, $"xerial block of {length} bytes does not fit in the {remaining.Length - 4} bytes left");
            }

            DecompressBlock(remaining.Slice(4, length), destination);
            remaining = remaining[(4 + length)..];
        }
    }

    private static void CompressBlock(ReadOnlySpan<byte> block, IBufferWriter<byte> destination, bool lengthPrefix)
    {
        var prefix = lengthPrefix ? 4 : 0;
        var span = destination.GetSpan(prefix + Snappy.GetMaxCompressedLength(block.Length));
        var written = Snappy.Compress(block, span[prefix..]);
        if (lengthPrefix)
        {
            BinaryPrimitives.WriteInt32BigEndian(span, written);
        }

        destination.Advance(prefix + written);
    }

    private void DecompressBlock(ReadOnlySpan<byte> block, PooledBufferWriter destination)
    {
        // A snappy block states its uncompressed length up front, so an oversized one is refused before any work.
        var length = Snappy.GetUncompressedLength(block);
        if (length > Allowance(destination))
        {
            throw new BufferLimitExceededException(destination.Limit);
        }

        if (length == 0)
        {
            return;
        }

        var written = Snappy.Decompress(block, destination.GetSpan(length));
        if (written != length)
        {
            throw Corrupt(Type, $"block decoded to {written} bytes but declares {length}");
        }

        destination.Advance(written);
    }
}
