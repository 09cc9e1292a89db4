using System.Buffers;
using Samsa.Protocol.Buffers;
using Samsa.Protocol.Records;
using ZstdSharp;
using ZstdSharp.Unsafe;

namespace Samsa.Protocol.Compression;

/// <summary>
/// Zstandard through ZstdSharp. Writes one frame with its content size; reads any sequence of frames, with or
/// without a content size (the Java client's streaming encoder leaves it out). Compression and decompression
/// contexts are reused per thread, since creating them costs far more than a small batch.
/// </summary>
public sealed class ZstdCodec : CompressionCodec
{
    /// <summary>Kafka's <c>compression.zstd.level</c> default.</summary>
    public const int DefaultLevel = 3;

    /// <summary>zstd's own default cap on a frame's window (128 MiB).</summary>
    private const int MaxWindowLog = 27;

    /// <summary>
    /// The window the Java client's streaming encoder declares at levels up to 19 (8 MiB): the cap never goes
    /// below it, however small the size limit, or ordinary batches would be refused.
    /// </summary>
    private const int MinWindowLog = 23;
    private const int OutputChunk = 64 * 1024;

    [ThreadStatic]
    private static Compressor? _compressor;

    [ThreadStatic]
    private static Decompressor? _decompressor;

    public ZstdCodec(int level = DefaultLevel)
    {
        if (level is < -131072 or > 22)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "zstd levels are -131072 to 22");
        }

        Level = level;
    }

    public int Level { get; }

    public override CompressionType Type => CompressionType.Zstd;

    public override void Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination)
    {
        var compressor = _compressor ??= new Compressor(Level);
        if (compressor.Level != Level)
        {
            compressor.Level = Level;
        }

        var span = destination.GetSpan(Compressor.GetCompressBound(source.Length));
        destination.Advance(compressor.Wrap(source, span));
    }

    protected override void DecompressCore(ReadOnlySpan<byte> source, PooledBufferWriter destination)
    {
        var decompressor = _decompressor ??= new Decompressor();
        decompressor.ResetStream();

        // A frame without a content size makes the decoder allocate its whole declared window: allow no larger a
        // window than the output we would accept anyway (within the bounds above).
        decompressor.SetParameter(ZSTD_dParameter.ZSTD_d_windowLogMax, WindowLogFor(Allowance(destination)));

        if (source.IsEmpty)
        {
            throw Corrupt(Type, "no frame");
        }

        var declared = Decompressor.GetDecompressedSize(source);
        if (declared > 0 && declared <= (ulong)Allowance(destination))
        {
            destination.EnsureCapacity(destination.WrittenCount + (int)declared);
        }

        while (true)
        {
            var output = UpToAllowance(destination.GetSpan(OutputChunk), destination);
            var status = decompressor.UnwrapStream(source, output, out var consumed, out var written);
            destination.Advance(written);
            source = source[consumed..];
            switch (status)
            {
                case OperationStatus.Done when source.IsEmpty:
                    return;
                case OperationStatus.NeedMoreData:
                    throw Corrupt(Type, "the frame is truncated");
                case OperationStatus.InvalidData:
                    throw Corrupt(Type, "the frame is not valid zstd");
                default:
                    break;
            }

            if (consumed == 0 && written == 0)
            {
                throw Corrupt(Type, "the decoder made no progress");
            }
        }
    }

    private static int WindowLogFor(int allowance)
    {
        var log = 64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)Math.Max(allowance, 1) - 1);
        return Math.Clamp(log, MinWindowLog, MaxWindowLog);
    }
}
