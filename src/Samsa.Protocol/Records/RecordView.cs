namespace Samsa.Protocol.Records;

/// <summary>
/// One record of a v2 batch, as views into the batch bytes (or the decompression buffer): nothing is copied or
/// allocated. Valid as long as the memory it was read from.
/// </summary>
public readonly ref struct RecordView
{
    internal RecordView(
        long offset,
        int offsetDelta,
        long timestamp,
        long timestampDelta,
        byte attributes,
        NullableBytes key,
        NullableBytes value,
        RecordHeaders headers,
        ReadOnlySpan<byte> encoded)
    {
        Offset = offset;
        OffsetDelta = offsetDelta;
        Timestamp = timestamp;
        TimestampDelta = timestampDelta;
        Attributes = attributes;
        Key = key;
        Value = value;
        Headers = headers;
        Encoded = encoded;
    }

    /// <summary>The batch's base offset plus <see cref="OffsetDelta"/>.</summary>
    public long Offset { get; }

    public int OffsetDelta { get; }

    /// <summary>
    /// The record's timestamp: the batch's base timestamp plus <see cref="TimestampDelta"/>, or, in a LogAppendTime
    /// batch, the batch's max timestamp.
    /// </summary>
    public long Timestamp { get; }

    public long TimestampDelta { get; }

    /// <summary>The record's own attributes byte (unused by Kafka so far; kept as found).</summary>
    public byte Attributes { get; }

    public NullableBytes Key { get; }

    public NullableBytes Value { get; }

    public RecordHeaders Headers { get; }

    /// <summary>The whole record as encoded, length prefix included.</summary>
    public ReadOnlySpan<byte> Encoded { get; }

    public int SizeInBytes => Encoded.Length;
}
