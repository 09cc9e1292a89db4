using System.Buffers;
using System.IO.Compression;
using Samsa.Protocol.Buffers;
using Samsa.Protocol.Records;

namespace Samsa.Protocol.Compression;

/// <summary>
/// gzip (RFC 1952) through System.IO.Compression. Concatenated gzip members decode as one stream, as Java's
/// GZIPInputStream does.
/// </summary>
/// <remarks>
/// System.IO.Compression only reports a stream cut short when its strict validation switch is on; otherwise it
/// returns what it decoded. Kafka refuses such batches, so this class turns the switch on for the process before
/// the first gzip stream is made (it has no other effect than refusing truncated compressed input).
/// </remarks>
public sealed class GzipCodec : CompressionCodec
{
    /// <summary>Kafka's <c>compression.gzip.level</c> default: zlib's own default level.</summary>
    public const int DefaultLevel = -1;

    private const int ReadChunk = 16 * 1024;

    // A gzip member of no data: header (no name, no time, unknown OS), an empty final deflate block, CRC 0, size 0.
    // GZipStream writes nothing at all when given no data, which no gzip reader accepts.
    private static ReadOnlySpan<byte> EmptyMember =>
        [0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff, 0x03, 0x00, 0, 0, 0, 0, 0, 0, 0, 0];

    static GzipCodec() => AppContext.SetSwitch("System.IO.Compression.UseStrictValidation", true);

    public GzipCodec(int level = DefaultLevel)
    {
        if (level != DefaultLevel && level is < 1 or > 9)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "gzip levels are 1-9, or -1 for the default");
        }

        Level = level;
    }

    public int Level { get; }

    public override CompressionType Type => CompressionType.Gzip;

    public override void Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> destination)
    {
        if (source.IsEmpty)
        {
            destination.Write(EmptyMember);
            return;
        }

        using var output = new BufferWriterStream(destination);
        using var gzip = new GZipStream(output, new ZLibCompressionOptions { CompressionLevel = Level }, leaveOpen: true);
        gzip.Write(source);
    }

    protected override unsafe void DecompressCore(ReadOnlySpan<byte> source, PooledBufferWriter destination)
    {
        if (source.IsEmpty)
        {
            throw Corrupt(Type, "no gzip header");
        }

        fixed (byte* start = source)
        {
            using var input = new UnmanagedMemoryStream(start, source.Length);
            using var gzip = new GZipStream(input, CompressionMode.Decompress);
            while (true)
            {
                var span = destination.GetSpan(ReadChunk);
                var read = gzip.Read(UpToAllowance(span, destination));
                if (read == 0)
                {
                    return;
                }

                destination.Advance(read);
            }
        }
    }
}
