namespace Samsa.Storage;

/// <summary>
/// Base of the storage errors. <see cref="ErrorCode"/> is the Kafka protocol error code the broker
/// answers with, so the mapping lives beside the cause.
/// </summary>
public abstract class StorageException : Exception
{
    protected StorageException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    public abstract short ErrorCode { get; }
}

/// <summary>
/// A disk or file-system failure (I/O error, disk full, log directory offline): Kafka's
/// KAFKA_STORAGE_ERROR. What was written before the failure stays readable after a restart.
/// </summary>
public sealed class KafkaStorageException : StorageException
{
    public KafkaStorageException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    public override short ErrorCode => 56;
}

/// <summary>The requested offset is below the log start offset or above the log end offset: OFFSET_OUT_OF_RANGE.</summary>
public sealed class OffsetOutOfRangeException : StorageException
{
    public OffsetOutOfRangeException(string message)
        : base(message)
    {
    }

    public override short ErrorCode => 1;
}

/// <summary>A batch failed its length, magic or CRC check: CORRUPT_MESSAGE.</summary>
public sealed class CorruptRecordException : StorageException
{
    public CorruptRecordException(string message)
        : base(message)
    {
    }

    public override short ErrorCode => 2;
}

/// <summary>A well-formed batch whose header contradicts itself (offset range vs record count): INVALID_RECORD.</summary>
public sealed class InvalidRecordException : StorageException
{
    public InvalidRecordException(string message)
        : base(message)
    {
    }

    public override short ErrorCode => 87;
}

/// <summary>A batch is larger than <c>max.message.bytes</c>, or an append is larger than a segment: MESSAGE_TOO_LARGE.</summary>
public sealed class RecordBatchTooLargeException : StorageException
{
    public RecordBatchTooLargeException(string message)
        : base(message)
    {
    }

    public override short ErrorCode => 10;
}

/// <summary>A CreateTime batch timestamp lies outside the configured window: INVALID_TIMESTAMP.</summary>
public sealed class InvalidTimestampException : StorageException
{
    public InvalidTimestampException(string message)
        : base(message)
    {
    }

    public override short ErrorCode => 32;
}

/// <summary>
/// A replicated append whose offsets do not follow the log end offset or are not increasing
/// (Kafka's UnexpectedAppendOffsetException / InvalidRecordException): UNKNOWN_SERVER_ERROR on the
/// wire, since only followers hit it and they truncate and retry.
/// </summary>
public sealed class UnexpectedAppendOffsetException : StorageException
{
    public UnexpectedAppendOffsetException(string message, long firstOffset, long lastOffset)
        : base(message)
    {
        FirstOffset = firstOffset;
        LastOffset = lastOffset;
    }

    public long FirstOffset { get; }

    public long LastOffset { get; }

    public override short ErrorCode => -1;
}

/// <summary>A topic config value that does not parse or is out of range; the message names the key.</summary>
public sealed class LogConfigException : StorageException
{
    public LogConfigException(string key, string message)
        : base($"Invalid value for configuration {key}: {message}")
    {
        Key = key;
    }

    public string Key { get; }

    /// <summary>INVALID_CONFIG.</summary>
    public override short ErrorCode => 40;
}
