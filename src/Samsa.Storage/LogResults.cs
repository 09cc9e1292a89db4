namespace Samsa.Storage;

/// <summary>
/// What an append did. <see cref="LogAppendTime"/> is -1 unless the topic uses LogAppendTime;
/// <see cref="MaxTimestamp"/> and <see cref="OffsetOfMaxTimestamp"/> come from the batch headers.
/// </summary>
public readonly record struct LogAppendInfo(
    long FirstOffset,
    long LastOffset,
    long MaxTimestamp,
    long OffsetOfMaxTimestamp,
    long LogAppendTime,
    long LogStartOffset,
    int BatchCount,
    int RecordCount,
    int Bytes)
{
    public static LogAppendInfo Empty(long nextOffset, long logStartOffset) =>
        new(nextOffset, nextOffset - 1, -1, -1, -1, logStartOffset, 0, 0, 0);
}

/// <summary>A ListOffsets answer: the offset, the timestamp found there, and the leader epoch that wrote it (-1 if unknown).</summary>
public readonly record struct TimestampAndOffset(long Timestamp, long Offset, int LeaderEpoch);

/// <summary>ListOffsets' special timestamps.</summary>
public static class ListOffsetsTimestamp
{
    public const long Latest = -1;
    public const long Earliest = -2;
    public const long MaxTimestamp = -3;
}
