namespace Samsa.Protocol.Records;

/// <summary>What <see cref="RecordBatchValidator"/> checks beyond framing and CRC.</summary>
public sealed record RecordBatchValidationOptions
{
    /// <summary>A producer's batch, checked as Kafka checks one (header only; no record decoding).</summary>
    public static readonly RecordBatchValidationOptions Produce = new() { FromClient = true };

    /// <summary>A batch read back from a log segment or received from the leader: framing and CRC.</summary>
    public static readonly RecordBatchValidationOptions Log = new();

    /// <summary>
    /// Kafka's checks on batches written by clients: base offset 0, a positive record count matching the offset
    /// range, no control batch, a base sequence whenever there is a producer id.
    /// </summary>
    public bool FromClient { get; init; }

    /// <summary>The largest batch accepted, log overhead included (the topic's <c>max.message.bytes</c>).</summary>
    public int MaxBatchSize { get; init; } = int.MaxValue;

    /// <summary>
    /// Decode every record (decompressing if need be): structure, count, and the record checks below. Without it
    /// only the header and CRC are checked.
    /// </summary>
    public bool DecodeRecords { get; init; }

    /// <summary>Records must have keys (a compacted topic). Needs <see cref="DecodeRecords"/>.</summary>
    public bool RequireKeys { get; init; }

    /// <summary>
    /// Refuse a batch whose records' offset deltas are not 0, 1, 2, ... Kafka rewrites such a compressed batch
    /// instead of refusing it; every v2 client writes sequential deltas. Needs <see cref="DecodeRecords"/>.
    /// </summary>
    public bool RequireSequentialOffsets { get; init; }

    /// <summary>The topic's <c>message.timestamp.type</c>.</summary>
    public TimestampType TopicTimestampType { get; init; } = TimestampType.CreateTime;

    /// <summary>The topic's <c>message.timestamp.before.max.ms</c>. Needs <see cref="DecodeRecords"/>.</summary>
    public long TimestampBeforeMaxMs { get; init; } = long.MaxValue;

    /// <summary>The topic's <c>message.timestamp.after.max.ms</c>. Needs <see cref="DecodeRecords"/>.</summary>
    public long TimestampAfterMaxMs { get; init; } = long.MaxValue;

    /// <summary>The clock for the timestamp checks.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Cap on the decompressed size when the validator has to make its own reader.</summary>
    public int MaxDecompressedSize { get; init; } = RecordBatchReader.DefaultMaxDecompressedSize;
}
