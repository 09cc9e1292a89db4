using Samsa.Protocol.Errors;
using Samsa.Protocol.Records;

namespace Samsa.Storage.Segments;

/// <summary>
/// The checks of an append before anything is written. Framing, magic, CRC, codec and
/// <c>max.message.bytes</c> are the protocol library's (<see cref="RecordBatchIterator"/> and
/// <see cref="RecordBatchValidator"/>); what stays here is the log's own rules: an append fits a
/// segment, offsets go forward, a leader's batch spans as many offsets as it holds records, and
/// (leader, CreateTime) the header timestamps lie in the allowed window. Records are never decoded.
/// </summary>
internal static class AppendValidation
{
    /// <summary>Validates <paramref name="records"/>; returns the batch and record counts or throws the storage exception for Kafka's error code.</summary>
    public static (int Batches, int Records) Validate(
        ReadOnlySpan<byte> records, LogConfig config, RecordBatchValidationOptions options, bool asLeader, long nowMs)
    {
        if (records.Length > config.SegmentBytes)
        {
            throw new RecordBatchTooLargeException($"an append of {records.Length} bytes is larger than segment.bytes ({config.SegmentBytes})");
        }

        int batches = 0, recordCount = 0;
        long previousLast = -1;
        var iterator = new RecordBatchIterator(records);
        while (iterator.MoveNext())
        {
            var entry = iterator.Current;
            var result = RecordBatchValidator.ValidateBatch(entry.Bytes, options);
            if (!result.IsValid)
            {
                throw ToException(result, entry.Position);
            }

            var header = entry.Header;
            if (header.LastOffsetDelta < 0)
            {
                throw new CorruptRecordException($"batch at byte {entry.Position} has a negative lastOffsetDelta");
            }

            if (!asLeader && header.BaseOffset <= previousLast)
            {
                throw new UnexpectedAppendOffsetException($"offsets are not increasing at batch {batches}", header.BaseOffset, header.LastOffset);
            }

            if (asLeader && (header.RecordsCount <= 0 || header.RecordsCount != (long)header.LastOffsetDelta + 1))
            {
                // As Kafka's leader: the offset range a batch claims must match its record count.
                throw new InvalidRecordException($"batch at byte {entry.Position} spans {(long)header.LastOffsetDelta + 1} offsets but holds {header.RecordsCount} records");
            }

            if (asLeader && config.MessageTimestampType == TimestampType.CreateTime)
            {
                CheckTimestamp(header.BaseTimestamp, config, nowMs);
                CheckTimestamp(header.MaxTimestamp, config, nowMs);
            }

            previousLast = header.LastOffset;
            recordCount += header.RecordsCount;
            batches++;
        }

        if (iterator.Status != RecordBatchIteratorStatus.End)
        {
            throw new CorruptRecordException(iterator.Status == RecordBatchIteratorStatus.PartialBatch
                ? $"{records.Length - iterator.ValidBytes} trailing bytes are not a whole batch"
                : $"batch at byte {iterator.ValidBytes} has an impossible length");
        }

        return (batches, recordCount);
    }

    /// <summary>The validator options for a topic: framing and CRC, batches up to <c>max.message.bytes</c>.</summary>
    public static RecordBatchValidationOptions OptionsFor(LogConfig config) =>
        RecordBatchValidationOptions.Log with { MaxBatchSize = config.MaxMessageBytes };

    private static StorageException ToException(RecordBatchValidationResult result, int position)
    {
        var message = $"batch at byte {position}: {result.Message}";
        return result.Error switch
        {
            ErrorCode.MessageTooLarge => new RecordBatchTooLargeException(message),
            ErrorCode.InvalidRecord => new InvalidRecordException(message),
            ErrorCode.InvalidTimestamp => new InvalidTimestampException(message),
            _ => new CorruptRecordException(message),
        };
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
