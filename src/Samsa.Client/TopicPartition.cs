namespace Samsa.Client;

/// <summary>A partition of a topic.</summary>
public readonly record struct TopicPartition(string Topic, int Partition)
{
    public override string ToString() => $"{Topic}-{Partition}";
}

/// <summary>The special timestamps of ListOffsets: the earliest offset, the end of the log, the record with the largest timestamp.</summary>
public static class OffsetSpec
{
    public const long Latest = -1;
    public const long Earliest = -2;
    public const long MaxTimestamp = -3;
}

/// <summary>An offset found by ListOffsets, with the timestamp of the record there (-1 when not asked by timestamp) and its leader epoch.</summary>
public readonly record struct ListedOffset(long Offset, long Timestamp, int LeaderEpoch);
