using System.Buffers;
using Samsa.Protocol.Buffers;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Records;

namespace Samsa.Protocol.Compression;

/// <summary>
/// One of the record batch compression codecs, keyed by <see cref="CompressionType"/>. Compression appends to any
/// <see cref="IBufferWriter{T}"/>; decompression appends to a pooled buffer and stops at a hard size limit.
/// Instances are immutable and thread-safe.
/// </summary>
/// <remarks>
/// Failures surface as <see cref="KafkaErrorException"/>: damaged input is <see cref="ErrorCode.CorruptMessage"/>,
/// output past the limit is <see cref="ErrorCode.MessageTooLarge"/> (the Java producer answers that by splitting
/// the batch, which is the right outcome for a genuine batch and a harmless one for a bomb).
/// </remarks>
public abstract class CompressionCodec
{
    private static readonly CompressionCodec[] Defaults =
    [
        NoCompressionCodec.Instance,
        new GzipCodec(),
        new SnappyCodec(),
        new Lz4Codec(),
        new ZstdCodec(),
    ];

    public abstract CompressionType Type { get; }

    /// <summary>
    /// The codec with Kafka's default settings for <paramref name="type"/>. A codec id Kafka does not define (5-7)
    /// can only come from damaged attributes, so it is <see cref="ErrorCode.CorruptMessage"/>.
    /// </summary>
    public static CompressionCodec Get(CompressionType type) =>
        (uint)type < (uint)Defaults.Length
            ? Defaults[(int)type]
            : throw new KafkaErrorException(ErrorCode.CorruptMessage, $"unknown compression codec id {(int)type}");

    /// <summary>
    /// A codec at a given level, with Kafka's ranges: gzip 1-9 (or -1 for zlib's default), lz4 1-17, zstd -131072 to 22.
    /// Null means the default level.
    /// </summary>
    public static CompressionCodec Create(CompressionType type, int? level) => level is null
        ? Get(type)
        : type switch
        {
            CompressionType.None => NoCompressionCodec.Instance,
            CompressionType.Gzip => new GzipCodec(level.Value),
            CompressionType.Snappy => Get(type),
            CompressionType.Lz4 => new Lz4Codec(level.Value),
            CompressionType.Zstd => new ZstdCodec(level.Value),
            _ => Get(type),
        };

    /// <summary>Compresses <paramref name="source"/> and appends the result to <paramref name="destination"/>.</summary>
    public abstract void Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination);

    /// <summary>
    /// Decompresses <paramref name="source"/>, appending at most <paramref name="maxDecompressedSize"/> bytes to
    /// <paramref name="destination"/>. On failure the destination may hold a partial result.
    /// </summary>
    public void Decompress(ReadOnlySpan<byte> source, PooledBufferWriter destination, int maxDecompressedSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxDecompressedSize);
        var previousLimit = destination.Limit;
        destination.Limit = (int)Math.Min((long)destination.WrittenCount + maxDecompressedSize, previousLimit);
        try
        {
            DecompressCore(source, destination);
        }
        catch (BufferLimitExceededException e)
        {
            throw new KafkaErrorException(
                ErrorCode.MessageTooLarge,
                $"{Type} records decompress to more than the {maxDecompressedSize}-byte limit",
                e);
        }
        catch (KafkaErrorException)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Each library signals damaged input its own way (InvalidDataException, EndOfStreamException,
            // ZstdException, index errors...); to the broker they all mean the same thing.
            throw new KafkaErrorException(ErrorCode.CorruptMessage, $"{Type} records cannot be decompressed: {e.Message}", e);
        }
        finally
        {
            destination.Limit = previousLimit;
        }
    }

    /// <summary>Decompresses into <paramref name="destination"/>, whose <see cref="PooledBufferWriter.Limit"/> is already set.</summary>
    protected abstract void DecompressCore(ReadOnlySpan<byte> source, PooledBufferWriter destination);

    protected static KafkaErrorException Corrupt(CompressionType type, string detail) =>
        new(ErrorCode.CorruptMessage, $"{type} records cannot be decompressed: {detail}");

    /// <summary>Bytes the destination may still take before reaching its limit.</summary>
    protected static int Allowance(PooledBufferWriter destination) => destination.Limit - destination.WrittenCount;

    /// <summary>
    /// <paramref name="span"/> cut to one byte past the destination's allowance: enough to tell "exactly at the
    /// limit" from "over it" (Advance then refuses the overflow) without decoding far past the limit.
    /// </summary>
    protected static Span<byte> UpToAllowance(Span<byte> span, PooledBufferWriter destination) =>
        span[..(int)Math.Min(span.Length, (long)Allowance(destination) + 1)];
}
