using System.Buffers;
using Samsa.Protocol.Buffers;
using Samsa.Protocol.Records;

namespace Samsa.Protocol.Compression;

/// <summary>The identity codec, so callers can treat every batch alike.</summary>
public sealed class NoCompressionCodec : CompressionCodec
{
    public static readonly NoCompressionCodec Instance = new();

    private NoCompressionCodec()
    {
    }

    public override CompressionType Type => CompressionType.None;

    public override void Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination) => destination.Write(source);

    protected override void DecompressCore(ReadOnlySpan<byte> source, PooledBufferWriter destination)
    {
        if (source.Length > Allowance(destination))
        {
            throw new BufferLimitExceededException(destination.Limit);
        }

        destination.Write(source);
    }
}
