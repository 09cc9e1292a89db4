using Samsa.Protocol.Errors;

namespace Samsa.Protocol.Records;

/// <summary>
/// Checks record batches from outside the broker's own memory: a Produce request's record set, or a log segment
/// during recovery. Answers with Kafka's error code rather than throwing, since a bad batch is an expected input.
/// </summary>
/// <remarks>
/// The checks and their codes follow Kafka: framing and checksum problems are CORRUPT_MESSAGE, a batch over the
/// size limit MESSAGE_TOO_LARGE, a batch or record the broker will not accept INVALID_RECORD, a timestamp out of
/// range INVALID_TIMESTAMP. Record sets in the old formats (magic 0 and 1) are INVALID_RECORD: Kafka 4 removed
/// them, and it answers a Produce carrying one with that code.
/// </remarks>
public static class RecordBatchValidator
{
    /// <summary>
    /// Validates the record set of one partition in a Produce request: exactly one v2 batch (a trailing fragment of
    /// a batch is ignored, as Kafka trims it), then <see cref="ValidateBatch"/> on it.
    /// </summary>
    public static RecordBatchValidationResult ValidateProduceRecords(
        ReadOnlySpan<byte> records, RecordBatchValidationOptions options, RecordBatchReader? reader = null)
    {
        var batches = new RecordBatchIterator(records);
        if (!batches.MoveNext())
        {
            return batches.Status == RecordBatchIteratorStatus.CorruptLength
                ? RecordBatchValidationResult.Fail(ErrorCode.CorruptMessage, "the record set starts with an impossible batch length")
                : RecordBatchValidationResult.Fail(ErrorCode.InvalidRecord, "a produce request needs one record batch per partition");
        }

        var batch = batches.Current.Bytes;
        if (!batches.Current.IsCurrentMagic)
        {
            return WrongMagic(batches.Current.Magic);
        }

        if (batches.MoveNext())
        {
            return RecordBatchValidationResult.Fail(ErrorCode.InvalidRecord, "a produce request may carry only one record batch per partition");
        }

        return ValidateBatch(batch, options, reader);
    }

    /// <summary>Validates one batch; <paramref name="batch"/> must be exactly the batch's bytes.</summary>
    /// <param name="batch">The batch, log overhead included.</param>
    /// <param name="options">What to check.</param>
    /// <param name="reader">Decompression scratch to reuse when decoding records; one is made if null.</param>
    public static RecordBatchValidationResult ValidateBatch(
        ReadOnlySpan<byte> batch, RecordBatchValidationOptions options, RecordBatchReader? reader = null)
    {
        var framing = CheckFraming(batch, options);
        if (!framing.IsValid)
        {
            return framing;
        }

        var header = RecordBatchHeader.Read(batch);
        if (options.FromClient)
        {
            var client = CheckClientBatch(header);
            if (!client.IsValid)
            {
                return client;
            }
        }

        var result = new RecordBatchValidationResult
        {
            RecordIndex = -1,
            BatchSize = batch.Length,
            MaxTimestamp = header.MaxTimestamp,
        };
        if (!options.DecodeRecords)
        {
            return result;
        }

        if (reader is not null)
        {
            return CheckRecords(batch, header, options, reader, result);
        }

        using var ownReader = new RecordBatchReader(options.MaxDecompressedSize);
        return CheckRecords(batch, header, options, ownReader, result);
    }

    private static RecordBatchValidationResult CheckFraming(ReadOnlySpan<byte> batch, RecordBatchValidationOptions options)
    {
        if (batch.Length > RecordBatchHeader.MagicOffset && batch[RecordBatchHeader.MagicOffset] != RecordBatchHeader.CurrentMagic)
        {
            return WrongMagic(batch[RecordBatchHeader.MagicOffset]);
        }

        if (batch.Length < RecordBatchHeader.Size)
        {
            return RecordBatchValidationResult.Fail(
                ErrorCode.CorruptMessage,
                $"record batch of {batch.Length} bytes is smaller than the {RecordBatchHeader.Size}-byte minimum");
        }

        var header = RecordBatchHeader.Read(batch);
        if ((long)header.BatchLength + RecordBatchHeader.LogOverhead != batch.Length)
        {
            return RecordBatchValidationResult.Fail(
                ErrorCode.CorruptMessage,
                $"record batch declares batchLength {header.BatchLength} but has {batch.Length - RecordBatchHeader.LogOverhead} bytes after its length field");
        }

        if (batch.Length > options.MaxBatchSize)
        {
            return RecordBatchValidationResult.Fail(
                ErrorCode.MessageTooLarge,
                $"record batch of {batch.Length} bytes exceeds the {options.MaxBatchSize}-byte limit");
        }

        var computed = RecordBatchHeader.ComputeCrc(batch);
        if (computed != header.Crc)
        {
            return RecordBatchValidationResult.Fail(
                ErrorCode.CorruptMessage,
                $"record batch is corrupt: stored CRC {header.Crc:x8}, computed {computed:x8}");
        }

        if ((int)header.Compression > (int)CompressionType.Zstd)
        {
            return RecordBatchValidationResult.Fail(
                ErrorCode.CorruptMessage, $"record batch uses unknown compression codec id {(int)header.Compression}");
        }

        return new RecordBatchValidationResult { RecordIndex = -1 };
    }

    private static RecordBatchValidationResult CheckClientBatch(RecordBatchHeader header)
    {
        if (header.BaseOffset != 0)
        {
            return Invalid($"a produced batch must have base offset 0, not {header.BaseOffset}");
        }

        if (header.LastOffsetDelta < 0)
        {
            return Invalid($"batch has an invalid offset range: last offset delta {header.LastOffsetDelta}");
        }

        if (header.RecordsCount <= 0)
        {
            return Invalid($"batch reports an invalid record count {header.RecordsCount}");
        }

        if ((long)header.LastOffsetDelta + 1 != header.RecordsCount)
        {
            return Invalid($"batch offset range of {(long)header.LastOffsetDelta + 1} does not match its record count {header.RecordsCount}");
        }

        if (header.IsControl)
        {
            return Invalid("clients may not write control batches");
        }

        if (header.ProducerId >= 0 && header.BaseSequence < 0)
        {
            return Invalid($"batch with producer id {header.ProducerId} has invalid base sequence {header.BaseSequence}");
        }

        return new RecordBatchValidationResult { RecordIndex = -1 };
    }

    private static RecordBatchValidationResult CheckRecords(
        ReadOnlySpan<byte> batch,
        RecordBatchHeader header,
        RecordBatchValidationOptions options,
        RecordBatchReader reader,
        RecordBatchValidationResult result)
    {
        var checkTimestamps = options.TimestampBeforeMaxMs != long.MaxValue || options.TimestampAfterMaxMs != long.MaxValue;
        var now = checkTimestamps ? options.Clock.GetUtcNow().ToUnixTimeMilliseconds() : 0;
        var maxTimestamp = -1L;
        var sequential = true;
        var index = 0;
        try
        {
            var records = reader.Read(batch);
            while (records.MoveNext())
            {
                var record = records.Current;
                sequential &= record.OffsetDelta == index;
                if (!sequential && options.RequireSequentialOffsets)
                {
                    return Invalid($"record {index} has offset delta {record.OffsetDelta}; deltas must run 0, 1, 2, ...", index);
                }

                if (options.RequireKeys && record.Key.IsNull)
                {
                    return Invalid("a compacted topic does not accept records without a key", index);
                }

                var timestampError = CheckTimestamp(header, record.Timestamp, now, options);
                if (timestampError is not null)
                {
                    return RecordBatchValidationResult.Fail(ErrorCode.InvalidTimestamp, timestampError, index);
                }

                maxTimestamp = Math.Max(maxTimestamp, record.Timestamp);
                index++;
            }
        }
        catch (KafkaErrorException e)
        {
            // Decompression failures concern the whole batch; a malformed record is reported at its index.
            return RecordBatchValidationResult.Fail(e.ErrorCode, e.Message, e.ErrorCode == ErrorCode.InvalidRecord ? index : -1);
        }

        return result with { RecordsDecoded = true, MaxTimestamp = maxTimestamp, HasSequentialOffsets = sequential };
    }

    private static string? CheckTimestamp(RecordBatchHeader header, long timestamp, long now, RecordBatchValidationOptions options)
    {
        if (options.TopicTimestampType == TimestampType.CreateTime && timestamp != -1)
        {
            if (now - timestamp > options.TimestampBeforeMaxMs || timestamp - now > options.TimestampAfterMaxMs)
            {
                return $"timestamp {timestamp} is out of range: it must lie within {options.TimestampBeforeMaxMs} ms before and {options.TimestampAfterMaxMs} ms after the broker's clock ({now})";
            }
        }
        else if (header.IsLogAppendTime)
        {
            return "producers may not set the LogAppendTime timestamp type";
        }

        return null;
    }

    private static RecordBatchValidationResult WrongMagic(byte magic) => Invalid(
        $"record batch has magic {magic}; only magic 2 (message format v2) is accepted, as Kafka 4 removed the older formats");

    private static RecordBatchValidationResult Invalid(string message, int recordIndex = -1) =>
        RecordBatchValidationResult.Fail(ErrorCode.InvalidRecord, message, recordIndex);
}
