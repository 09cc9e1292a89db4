namespace Samsa.Protocol.Records;

/// <summary>
/// The batch-level fields <see cref="RecordBatchBuilder"/> writes. Defaults are those of a non-idempotent
/// producer's batch: no producer id, epoch or sequence (-1), no leader epoch (-1), CreateTime, uncompressed.
/// </summary>
public sealed record RecordBatchOptions
{
    public static readonly RecordBatchOptions Default = new();

    public long BaseOffset { get; init; }

    public int PartitionLeaderEpoch { get; init; } = -1;

    public CompressionType Compression { get; init; } = CompressionType.None;

    /// <summary>Codec level in Kafka's ranges (see <see cref="Compression.CompressionCodec.Create"/>); null for the default.</summary>
    public int? CompressionLevel { get; init; }

    public TimestampType TimestampType { get; init; } = TimestampType.CreateTime;

    /// <summary>For a LogAppendTime batch, the broker's append time: written as the max timestamp.</summary>
    public long LogAppendTime { get; init; } = -1;

    public bool IsTransactional { get; init; }

    /// <summary>A control batch: its records are transaction markers or KRaft control records.</summary>
    public bool IsControl { get; init; }

    public long ProducerId { get; init; } = -1;

    public short ProducerEpoch { get; init; } = -1;

    public int BaseSequence { get; init; } = -1;

    /// <summary>
    /// When set, the compaction cleaner's delete horizon: the batch gets the delete-horizon attribute and this value
    /// as its base timestamp (record timestamps stay exact, as deltas from it).
    /// </summary>
    public long? DeleteHorizonMs { get; init; }

    /// <summary>
    /// When set, the batch's last offset even if its last record is earlier: the compaction cleaner keeps the original
    /// batch's offset range so that the producer's last sequence (base sequence plus last offset delta) survives.
    /// </summary>
    public long? LastOffset { get; init; }

    internal RecordBatchAttributes Attributes
    {
        get
        {
            var attributes = (RecordBatchAttributes)(short)Compression;
            if (TimestampType == TimestampType.LogAppendTime)
            {
                attributes |= RecordBatchAttributes.LogAppendTime;
            }

            if (IsTransactional)
            {
                attributes |= RecordBatchAttributes.Transactional;
            }

            if (IsControl)
            {
                attributes |= RecordBatchAttributes.Control;
            }

            if (DeleteHorizonMs.HasValue)
            {
                attributes |= RecordBatchAttributes.HasDeleteHorizon;
            }

            return attributes;
        }
    }
}
