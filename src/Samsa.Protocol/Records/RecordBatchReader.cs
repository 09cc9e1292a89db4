using Samsa.Protocol.Buffers;
using Samsa.Protocol.Compression;
using Samsa.Protocol.Errors;

namespace Samsa.Protocol.Records;

/// <summary>
/// Opens v2 record batches for record-level reading, decompressing compressed ones into a pooled buffer that is
/// reused from batch to batch. One reader serves one thread; keep it for many batches (the compaction cleaner, the
/// transaction index builder) and dispose it at the end.
/// </summary>
/// <remarks>
/// The enumerator returned by <see cref="Read(ReadOnlySpan{byte})"/> views either the batch itself or this reader's
/// buffer, so it is valid until the next <c>Read</c> or <see cref="Dispose"/>. The batch CRC is not checked here;
/// <see cref="RecordBatchValidator"/> does that where bytes come from outside.
/// </remarks>
public sealed class RecordBatchReader : IDisposable
{
    /// <summary>
    /// The default cap on a batch's decompressed size (64 MiB): far above any batch a client builds at Kafka's
    /// default limits, far below what a decompression bomb would need to hurt.
    /// </summary>
    public const int DefaultMaxDecompressedSize = 64 * 1024 * 1024;

    private readonly PooledBufferWriter _decompressed = new();

    public RecordBatchReader(int maxDecompressedSize = DefaultMaxDecompressedSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxDecompressedSize);
        MaxDecompressedSize = maxDecompressedSize;
    }

    public int MaxDecompressedSize { get; }

    /// <summary>Counts the batches this reader has decompressed; its buffer holds the last one's records.</summary>
    public long Generation { get; private set; }

    /// <summary>The records of one batch.</summary>
    public RecordEnumerator Read(ReadOnlySpan<byte> batch) => Read(batch, out _);

    /// <summary>The records of one batch, and its header.</summary>
    /// <exception cref="KafkaErrorException">The batch is not a well-formed v2 batch, or does not decompress.</exception>
    public RecordEnumerator Read(ReadOnlySpan<byte> batch, out RecordBatchHeader header)
    {
        header = ReadCheckedHeader(batch);
        var body = batch[RecordBatchHeader.Size..header.TotalSize];
        ReadOnlySpan<byte> records = body;
        if (header.Compression != CompressionType.None)
        {
            _decompressed.Clear();
            CompressionCodec.Get(header.Compression).Decompress(body, _decompressed, MaxDecompressedSize);
            Generation++;
            records = _decompressed.WrittenSpan;
        }

        return Enumerate(header, records);
    }

    /// <summary>
    /// Continues a batch from a <see cref="RecordEnumerator.Mark"/> taken while reading that same batch, skipping the
    /// records before it without decoding them. A compressed batch is not decompressed again when
    /// <paramref name="generation"/> (the <see cref="Generation"/> just after the batch was read) is still current,
    /// that is, when this reader has decompressed no other batch since.
    /// </summary>
    public RecordEnumerator Resume(ReadOnlySpan<byte> batch, RecordMark mark, long generation)
    {
        var header = ReadCheckedHeader(batch);
        var enumerator = header.Compression != CompressionType.None && generation == Generation
            ? Enumerate(header, _decompressed.WrittenSpan)
            : Read(batch);
        enumerator.MoveTo(mark);
        return enumerator;
    }

    public void Dispose() => _decompressed.Dispose();

    private static RecordEnumerator Enumerate(RecordBatchHeader header, ReadOnlySpan<byte> records)
    {
        return new RecordEnumerator(
            records,
            header.RecordsCount,
            header.BaseOffset,
            header.BaseTimestamp,
            header.IsLogAppendTime ? header.MaxTimestamp : null);
    }

    /// <summary>
    /// The header of a batch whose framing can be trusted enough to read records: magic 2, a length that fits the
    /// bytes and covers the header, a codec Kafka defines. Throws <see cref="KafkaErrorException"/> otherwise.
    /// </summary>
    internal static RecordBatchHeader ReadCheckedHeader(ReadOnlySpan<byte> batch)
    {
        if (batch.Length > RecordBatchHeader.MagicOffset && batch[RecordBatchHeader.MagicOffset] != RecordBatchHeader.CurrentMagic)
        {
            throw new KafkaErrorException(
                ErrorCode.InvalidRecord,
                $"record batch has magic {batch[RecordBatchHeader.MagicOffset]}; only magic 2 (the v2 format) is supported");
        }

        if (batch.Length < RecordBatchHeader.Size)
        {
            throw new KafkaErrorException(
                ErrorCode.CorruptMessage,
                $"record batch of {batch.Length} bytes is smaller than the {RecordBatchHeader.Size}-byte header");
        }

        var header = RecordBatchHeader.Read(batch);
        if (header.BatchLength < RecordBatchHeader.Size - RecordBatchHeader.LogOverhead || header.TotalSize > batch.Length)
        {
            throw new KafkaErrorException(
                ErrorCode.CorruptMessage,
                $"record batch declares batchLength {header.BatchLength}, which does not fit its {batch.Length} bytes");
        }

        if ((int)header.Compression > (int)CompressionType.Zstd)
        {
            throw new KafkaErrorException(ErrorCode.CorruptMessage, $"record batch uses unknown compression codec id {(int)header.Compression}");
        }

        return header;
    }
}
