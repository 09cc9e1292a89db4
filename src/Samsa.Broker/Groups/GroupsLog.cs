using Microsoft.Extensions.Logging;
using Samsa.Storage;

namespace Samsa.Broker.Groups;

/// <summary>The log lines of the broker's group coordinator wiring.</summary>
internal static partial class GroupsLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Created __consumer_offsets with {Partitions} partitions, replication factor {ReplicationFactor}")]
    public static partial void OffsetsTopicCreated(ILogger logger, int partitions, short replicationFactor);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Creating __consumer_offsets failed: {Error} {Message}")]
    public static partial void OffsetsTopicCreateFailed(ILogger logger, string error, string? message);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Loaded {TopicPartition} into the group coordinator: {Bytes} bytes in {Ms} ms")]
    public static partial void PartitionLoaded(ILogger logger, TopicPartition topicPartition, long bytes, long ms);

    [LoggerMessage(Level = LogLevel.Error, Message = "Loading {TopicPartition} into the group coordinator failed; resigned it")]
    public static partial void PartitionLoadFailed(ILogger logger, Exception exception, TopicPartition topicPartition);
}
