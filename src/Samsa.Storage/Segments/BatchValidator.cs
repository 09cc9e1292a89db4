using System.Buffers.Binary;
using Samsa.Protocol.Records;

namespace Samsa.Storage.Segments;

/// <summary>
/// Header-level checks of an append before anything is written: whole batches, magic 2, CRC,
/// sizes against <c>max.message.bytes</c> and <c>segment.bytes</c>, and (leader, CreateTime) the
/// timestamp window. The CRC is the only pass over the record bytes; records are never decoded.
/// </summary>
internal static class BatchValidator
{
    public static (int Batches, int Records) Validate(ReadOnlySpan<byte> records, LogConfig config, bool checkTimestamps, long nowMs)
    {
        if (records.Length > config.SegmentBytes)
        {
            throw new RecordBatchTooLargeException($"an append of {records.Length} bytes is larger than segment.bytes ({config.SegmentBytes})");
        }

        int batches = 0, recordCount = 0;
        long previousLast = -1;
        for (var at = 0; at < records.Length;)
        {
            var rest = records[at..];
            if (rest.Length < RecordBatchHeader.Size)
            {
                throw new CorruptRecordException($"{rest.Length} trailing bytes are not a whole batch header");
            }

            var batchLength = BinaryPrimitives.ReadInt32BigEndian(rest[RecordBatchHeader.BatchLengthOffset..]);
            if (batchLength < RecordBatchHeader.Size - RecordBatchHeader.LogOverhead || batchLength > rest.Length - RecordBatchHeader.LogOverhead)
            {
                throw new CorruptRecordException($"batch at byte {at} has length {batchLength}, {rest.Length - RecordBatchHeader.LogOverhead} bytes remain");
            }

            var size = batchLength + RecordBatchHeader.LogOverhead;
            if (size > config.MaxMessageBytes)
            {
                throw new RecordBatchTooLargeException($"a batch of {size} bytes exceeds max.message.bytes ({config.MaxMessageBytes})");
            }

            var batch = rest[..size];
            if (batch[RecordBatchHeader.MagicOffset] != RecordBatchHeader.CurrentMagic)
            {
                throw new CorruptRecordException($"batch at byte {at} has magic {batch[RecordBatchHeader.MagicOffset]}; only v2 batches are stored");
            }

            if (!RecordBatchHeader.IsCrcValid(batch))
            {
                throw new CorruptRecordException($"batch at byte {at} fails its CRC");
            }

            var summary = BatchSummary.Parse(batch);
            if (summary.LastOffset < summary.BaseOffset)
            {
                throw new CorruptRecordException($"batch at byte {at} has a negative lastOffsetDelta");
            }

            if (!checkTimestamps && summary.BaseOffset <= previousLast)
            {
                throw new UnexpectedAppendOffsetException($"offsets are not increasing at batch {batches}", summary.BaseOffset, summary.LastOffset);
            }

            var count = BinaryPrimitives.ReadInt32BigEndian(batch[RecordBatchHeader.RecordsCountOffset..]);
            if (checkTimestamps && (count <= 0 || count != summary.LastOffset - summary.BaseOffset + 1))
            {
                // As Kafka's leader: the offset range a batch claims must match its record count.
                throw new InvalidRecordException($"batch at byte {at} spans {summary.LastOffset - summary.BaseOffset + 1} offsets but holds {count} records");
            }

            if (checkTimestamps && config.MessageTimestampType == TimestampType.CreateTime)
            {
                CheckTimestamp(BinaryPrimitives.ReadInt64BigEndian(batch[RecordBatchHeader.BaseTimestampOffset..]), config, nowMs);
                CheckTimestamp(summary.MaxTimestamp, config, nowMs);
            }

            previousLast = summary.LastOffset;
            recordCount += count;
            batches++;
            at += size;
        }

        return (batches, recordCount);
    }

    private static void CheckTimestamp(long timestamp, LogConfig config, long nowMs)
    {
        if (timestamp < 0)
        {
            return;
        }

        if (timestamp < nowMs && nowMs - timestamp > config.MessageTimestampBeforeMaxMs)
        {
            throw new InvalidTimestampException($"timestamp {timestamp} is more than message.timestamp.before.max.ms ({config.MessageTimestampBeforeMaxMs}) before now ({nowMs})");
        }

        if (timestamp > nowMs && timestamp - nowMs > config.MessageTimestampAfterMaxMs)
        {
            throw new InvalidTimestampException($"timestamp {timestamp} is more than message.timestamp.after.max.ms ({config.MessageTimestampAfterMaxMs}) after now ({nowMs})");
        }
    }
}
