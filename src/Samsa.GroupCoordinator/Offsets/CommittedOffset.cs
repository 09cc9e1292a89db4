namespace Samsa.GroupCoordinator.Offsets;

/// <summary>A committed offset as Kafka stores it; <see cref="RecordOffset"/> is where its record sits in the log.</summary>
internal sealed record CommittedOffset(
    long Offset,
    int LeaderEpoch,
    string Metadata,
    long CommitTimestamp,
    long ExpireTimestamp,
    long RecordOffset);

/// <summary>A topic partition of a committed offset.</summary>
internal readonly record struct TopicPartitionKey(string Topic, int Partition);
