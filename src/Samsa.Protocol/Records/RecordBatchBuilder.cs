using System.Buffers;
using System.Buffers.Binary;
using Samsa.Protocol.Buffers;
using Samsa.Protocol.Compression;
using Samsa.Protocol.Hashing;

namespace Samsa.Protocol.Records;

/// <summary>
/// Builds one v2 record batch: records are encoded as they are appended (into a pooled buffer, no allocation per
/// record), and <see cref="WriteTo"/> compresses them with the batch's codec and writes header and records with the
/// lengths, last offset delta, max timestamp and CRC filled in. Reusable: <see cref="Reset"/> starts the next batch
/// with the same buffers.
/// </summary>
public sealed class RecordBatchBuilder : IDisposable
{
    private readonly PooledBufferWriter _records = new();
    private readonly PooledBufferWriter _compressed = new();
    private RecordBatchOptions _options = RecordBatchOptions.Default;
    private CompressionCodec _codec = NoCompressionCodec.Instance;
    private bool _compressedIsCurrent;
    private int _count;
    private int _lastOffsetDelta;
    private long _baseTimestamp;
    private long _maxTimestamp;

    public RecordBatchBuilder(RecordBatchOptions? options = null) => Reset(options ?? RecordBatchOptions.Default);

    public RecordBatchOptions Options => _options;

    public int Count => _count;

    /// <summary>The offset the next <see cref="Append(long, NullableBytes, NullableBytes)"/> gets.</summary>
    public long NextOffset => _options.BaseOffset + _lastOffsetDelta + 1;

    /// <summary>The batch's size if written uncompressed: a bound for deciding when a batch is full.</summary>
    public int UncompressedSize => _records.WrittenCount;

    /// <summary>Starts a new, empty batch.</summary>
    public void Reset(RecordBatchOptions options)
    {
        _options = options;
        _codec = CompressionCodec.Create(options.Compression, options.CompressionLevel);
        ClearReservingHeader(_records);
        _compressed.Clear();
        _compressedIsCurrent = false;
        _count = 0;
        _lastOffsetDelta = -1;
        _baseTimestamp = options.DeleteHorizonMs ?? -1;
        _maxTimestamp = -1;
    }

    /// <summary>Appends a record at the next offset; returns that offset.</summary>
    public long Append(long timestamp, NullableBytes key, NullableBytes value) =>
        Append(timestamp, key, value, ReadOnlySpan<RecordHeader>.Empty);

    public long Append(long timestamp, NullableBytes key, NullableBytes value, ReadOnlySpan<RecordHeader> headers)
    {
        var offset = NextOffset;
        AppendWithOffset(offset, timestamp, key, value, headers);
        return offset;
    }

    /// <summary>Appends a record whose headers are copied, still encoded, from a record read elsewhere.</summary>
    public long Append(long timestamp, NullableBytes key, NullableBytes value, RecordHeaders headers)
    {
        var offset = NextOffset;
        AppendWithOffset(offset, timestamp, key, value, headers);
        return offset;
    }

    /// <summary>
    /// Appends a record at an explicit offset, which must be above every offset already in the batch (gaps are
    /// allowed: the compaction cleaner keeps records' original offsets).
    /// </summary>
    public void AppendWithOffset(long offset, long timestamp, NullableBytes key, NullableBytes value, ReadOnlySpan<RecordHeader> headers)
    {
        var headersSize = 0;
        foreach (var header in headers)
        {
            headersSize += header.EncodedSize;
        }

        var span = BeginRecord(offset, timestamp, key, value, headers.Length, headersSize, out var position);
        foreach (var header in headers)
        {
            position += WriteBytesField(span[position..], header.Key.Span, isNull: false);
            position += WriteBytesField(span[position..], header.Value.Span, header.IsValueNull);
        }

        EndRecord(position, timestamp);
    }

    public void AppendWithOffset(long offset, long timestamp, NullableBytes key, NullableBytes value, RecordHeaders headers)
    {
        var span = BeginRecord(offset, timestamp, key, value, headers.Count, headers.Encoded.Length, out var position);
        headers.Encoded.CopyTo(span[position..]);
        EndRecord(position + headers.Encoded.Length, timestamp);
    }

    /// <summary>Appends a transaction marker record; the batch should have been started with <see cref="RecordBatchOptions.IsControl"/>.</summary>
    public long AppendEndTransactionMarker(long timestamp, EndTransactionMarker marker)
    {
        Span<byte> key = stackalloc byte[ControlRecordKey.Size];
        Span<byte> value = stackalloc byte[EndTransactionMarker.ValueSize];
        marker.WriteKey(key);
        marker.WriteValue(value);
        return Append(timestamp, key, value);
    }

    /// <summary>Size of the batch <see cref="WriteTo"/> writes (compresses the records if not done yet).</summary>
    public int GetSizeInBytes() => Batch().WrittenCount;

    /// <summary>Writes the finished batch; returns its size. The builder keeps its records, so this can be repeated.</summary>
    /// <exception cref="InvalidOperationException">No record was appended (see <see cref="WriteEmptyBatch"/>).</exception>
    public int WriteTo(IBufferWriter<byte> output)
    {
        var batch = Finish().Span;
        output.Write(batch);
        return batch.Length;
    }

    /// <summary>
    /// Finishes the batch where it was built: the header goes into space kept for it in front of the records (or of
    /// the compressed records), so the batch is not copied. The memory stays valid until the next <see cref="Reset"/>,
    /// append or <see cref="Dispose"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">No record was appended (see <see cref="WriteEmptyBatch"/>).</exception>
    public ReadOnlyMemory<byte> Finish()
    {
        if (_count == 0)
        {
            throw new InvalidOperationException("a record batch needs at least one record; use WriteEmptyBatch for an empty one");
        }

        var buffer = Batch();
        var batch = buffer.WrittenSpanForUpdate;
        var maxTimestamp = _options.TimestampType == TimestampType.LogAppendTime && _options.LogAppendTime >= 0
            ? _options.LogAppendTime
            : _maxTimestamp;
        var lastOffsetDelta = _options.LastOffset is { } lastOffset
            ? Math.Max(_lastOffsetDelta, checked((int)(lastOffset - _options.BaseOffset)))
            : _lastOffsetDelta;
        WriteHeader(batch[..RecordBatchHeader.Size], _options, _options.Attributes, lastOffsetDelta, _baseTimestamp, maxTimestamp, _count, batch[RecordBatchHeader.Size..]);
        return buffer.WrittenMemory;
    }

    public byte[] ToArray()
    {
        var output = new ArrayBufferWriter<byte>(GetSizeInBytes());
        WriteTo(output);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Writes a batch with no records that still covers offsets up to <paramref name="lastOffset"/>: what compaction
    /// leaves when it removes every record of a batch whose producer state must be kept.
    /// </summary>
    public static int WriteEmptyBatch(IBufferWriter<byte> output, RecordBatchOptions options, long lastOffset, long timestamp)
    {
        var lastOffsetDelta = checked((int)(lastOffset - options.BaseOffset));
        ArgumentOutOfRangeException.ThrowIfNegative(lastOffsetDelta, nameof(lastOffset));
        var attributes = options.Attributes & ~RecordBatchAttributes.CompressionMask;
        Span<byte> header = stackalloc byte[RecordBatchHeader.Size];
        WriteHeader(header, options, attributes, lastOffsetDelta, timestamp, timestamp, 0, []);
        output.Write(header);
        return header.Length;
    }

    public void Dispose()
    {
        _records.Dispose();
        _compressed.Dispose();
    }

    private static void WriteHeader(
        Span<byte> header,
        RecordBatchOptions options,
        RecordBatchAttributes attributes,
        int lastOffsetDelta,
        long baseTimestamp,
        long maxTimestamp,
        int count,
        ReadOnlySpan<byte> body)
    {
        BinaryPrimitives.WriteInt64BigEndian(header, options.BaseOffset);
        BinaryPrimitives.WriteInt32BigEndian(header[RecordBatchHeader.BatchLengthOffset..], RecordBatchHeader.Size - RecordBatchHeader.LogOverhead + body.Length);
        BinaryPrimitives.WriteInt32BigEndian(header[RecordBatchHeader.PartitionLeaderEpochOffset..], options.PartitionLeaderEpoch);
        header[RecordBatchHeader.MagicOffset] = RecordBatchHeader.CurrentMagic;
        BinaryPrimitives.WriteInt16BigEndian(header[RecordBatchHeader.AttributesOffset..], (short)attributes);
        BinaryPrimitives.WriteInt32BigEndian(header[RecordBatchHeader.LastOffsetDeltaOffset..], lastOffsetDelta);
        BinaryPrimitives.WriteInt64BigEndian(header[RecordBatchHeader.BaseTimestampOffset..], baseTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(header[RecordBatchHeader.MaxTimestampOffset..], maxTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(header[RecordBatchHeader.ProducerIdOffset..], options.ProducerId);
        BinaryPrimitives.WriteInt16BigEndian(header[RecordBatchHeader.ProducerEpochOffset..], options.ProducerEpoch);
        BinaryPrimitives.WriteInt32BigEndian(header[RecordBatchHeader.BaseSequenceOffset..], options.BaseSequence);
        BinaryPrimitives.WriteInt32BigEndian(header[RecordBatchHeader.RecordsCountOffset..], count);

        // The CRC covers attributes to the end of the batch: the header's tail, then the records.
        var crc = Crc32C.Append(Crc32C.Compute(header[RecordBatchHeader.AttributesOffset..]), body);
        BinaryPrimitives.WriteUInt32BigEndian(header[RecordBatchHeader.CrcOffset..], crc);
    }

    private static int WriteBytesField(Span<byte> destination, ReadOnlySpan<byte> bytes, bool isNull)
    {
        if (isNull)
        {
            return VarInt.Write(destination, -1);
        }

        var written = VarInt.Write(destination, bytes.Length);
        bytes.CopyTo(destination[written..]);
        return written + bytes.Length;
    }

    /// <summary>Empties a buffer but for the header's room at its front, which <see cref="Finish"/> fills in.</summary>
    private static void ClearReservingHeader(PooledBufferWriter buffer)
    {
        buffer.Clear();
        buffer.GetSpan(RecordBatchHeader.Size);
        buffer.Advance(RecordBatchHeader.Size);
    }

    /// <summary>The buffer that holds the batch: room for the header, then the records, compressed if the batch is.</summary>
    private PooledBufferWriter Batch()
    {
        if (_options.Compression == CompressionType.None)
        {
            return _records;
        }

        if (!_compressedIsCurrent)
        {
            ClearReservingHeader(_compressed);
            _codec.Compress(_records.WrittenSpan[RecordBatchHeader.Size..], _compressed);
            _compressedIsCurrent = true;
        }

        return _compressed;
    }

    /// <summary>
    /// Reserves the record's bytes and writes everything up to the headers; returns the record's span and, in
    /// <paramref name="position"/>, where the headers go.
    /// </summary>
    private Span<byte> BeginRecord(
        long offset, long timestamp, NullableBytes key, NullableBytes value, int headerCount, int headersSize, out int position)
    {
        var offsetDelta = offset - _options.BaseOffset;
        if (offsetDelta <= _lastOffsetDelta || offsetDelta > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(
                nameof(offset), offset, $"offsets in a batch must increase and stay within int32 of the base offset {_options.BaseOffset}");
        }

        if (_count == 0 && !_options.DeleteHorizonMs.HasValue)
        {
            _baseTimestamp = timestamp;
        }

        var timestampDelta = timestamp - _baseTimestamp;
        var bodySize = 1
            + VarInt.SizeOf(timestampDelta)
            + VarInt.SizeOf((int)offsetDelta)
            + VarInt.SizeOfBytesField(key.Length)
            + VarInt.SizeOfBytesField(value.Length)
            + VarInt.SizeOf(headerCount)
            + headersSize;
        var total = VarInt.SizeOf(bodySize) + bodySize;

        var span = _records.GetSpan(total)[..total];
        position = VarInt.Write(span, bodySize);
        span[position++] = 0; // record attributes: none defined
        position += VarInt.Write(span[position..], timestampDelta);
        position += VarInt.Write(span[position..], (int)offsetDelta);
        position += WriteBytesField(span[position..], key.Span, key.IsNull);
        position += WriteBytesField(span[position..], value.Span, value.IsNull);
        position += VarInt.Write(span[position..], headerCount);
        _lastOffsetDelta = (int)offsetDelta;
        return span;
    }

    private void EndRecord(int length, long timestamp)
    {
        _records.Advance(length);
        _count++;
        _compressedIsCurrent = false;
        if (timestamp > _maxTimestamp)
        {
            _maxTimestamp = timestamp;
        }
    }
}
