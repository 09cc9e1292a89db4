using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Samsa.Broker.Metadata;
using Samsa.Metadata.Image;
using Samsa.Metadata.Loader;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Primitives;
using Samsa.Storage;

namespace Samsa.Broker.Partitions;

/// <summary>
/// The partitions this broker hosts, kept in step with the metadata image: when a topic appears with a replica
/// here its logs are created (or adopted from disk), when it goes they are deleted, and each partition follows
/// the leadership and ISR the log says. Topic config changes reach the logs here too.
/// </summary>
public sealed class ReplicaManager : IMetadataPublisher
{
    private readonly ConcurrentDictionary<TopicPartition, Partition> _partitions = new();
    private readonly LogManager _logs;
    private readonly TopicConfigResolver _configs;
    private readonly ILogger _logger;
    private readonly Lock _applyLock = new();
    private volatile MetadataImage? _image;

    public ReplicaManager(int nodeId, LogManager logs, TopicConfigResolver configs, ILoggerFactory? loggerFactory = null)
    {
        NodeId = nodeId;
        _logs = logs;
        _configs = configs;
        _logger = loggerFactory?.CreateLogger<ReplicaManager>() ?? (ILogger)NullLogger.Instance;
    }

    public string Name => nameof(ReplicaManager);

    public int NodeId { get; }

    public ICollection<Partition> Partitions => _partitions.Values;

    public Partition? Get(TopicPartition topicPartition) => _partitions.GetValueOrDefault(topicPartition);

    /// <summary>
    /// The partition a client request names, or the error Kafka answers: UNKNOWN_TOPIC_OR_PARTITION when the
    /// metadata does not know it, NOT_LEADER_OR_FOLLOWER when it is not led here, KAFKA_STORAGE_ERROR when its log
    /// dir is offline.
    /// </summary>
    public ErrorCode LeaderFor(MetadataImage image, string topic, int partition, out Partition? leader)
    {
        leader = null;
        var topicImage = image.Topics.Get(topic);
        if (topicImage?.Partition(partition) is null)
        {
            return ErrorCode.UnknownTopicOrPartition;
        }

        var hosted = Get(new TopicPartition(topic, partition));
        if (hosted is null || !hosted.IsLeader || hosted.TopicId != topicImage.Id)
        {
            return ErrorCode.NotLeaderOrFollower;
        }

        if (hosted.Log.IsOffline)
        {
            return ErrorCode.KafkaStorageError;
        }

        leader = hosted;
        return ErrorCode.None;
    }

    public void OnMetadataUpdate(MetadataDelta delta, MetadataImage image)
    {
        lock (_applyLock)
        {
            foreach (var (_, deleted) in delta.Topics.DeletedTopics)
            {
                foreach (var id in deleted.Partitions.Keys)
                {
                    Remove(new TopicPartition(deleted.Name, id), deleted.Id);
                }
            }

            foreach (var (topicId, change) in delta.Topics.ChangedTopics)
            {
                var config = _configs.LogConfigFor(image, change.Name);
                foreach (var (id, registration) in change.ChangedPartitions)
                {
                    var topicPartition = new TopicPartition(change.Name, id);
                    if (registration.IsReplica(NodeId))
                    {
                        Host(topicPartition, topicId, config)?.UpdateLeadership(registration);
                    }
                    else
                    {
                        Remove(topicPartition, topicId);
                    }
                }
            }

            foreach (var resource in delta.ChangedConfigResources)
            {
                if (resource.Type == ConfigResourceType.Topic && image.Topics.Get(resource.Name) is not null)
                {
                    ApplyTopicConfig(resource.Name, image);
                }
            }

            _image = image;
        }
    }

    /// <summary>Re-reads every topic's config (after the broker defaults changed).</summary>
    public void RefreshTopicConfigs()
    {
        lock (_applyLock)
        {
            if (_image is not { } image)
            {
                return;
            }

            foreach (var topic in image.Topics.ByName.Keys)
            {
                ApplyTopicConfig(topic, image);
            }
        }
    }

    /// <summary>
    /// Deletes logs on disk that the metadata does not give this broker: left by a topic deleted while the broker
    /// was down, or by an older topic of the same name (Kafka's stray logs). Decided from the image alone, so a
    /// partition that failed to open is never taken for a stray.
    /// </summary>
    public int DeleteStrayLogs(MetadataImage image)
    {
        var deleted = 0;
        lock (_applyLock)
        {
            foreach (var log in _logs.Logs)
            {
                var topic = image.Topics.Get(log.TopicPartition.Topic);
                var assigned = topic?.Partition(log.TopicPartition.Partition)?.IsReplica(NodeId) == true;
                var recorded = PartitionMetadataFile.Read(log.DirectoryPath);
                if ((!assigned || (recorded is { } id && id != topic!.Id)) && _logs.DeleteLog(log.TopicPartition))
                {
                    _partitions.TryRemove(log.TopicPartition, out _);
                    BrokerLog.StrayLogDeleted(_logger, log.TopicPartition);
                    deleted++;
                }
            }
        }

        return deleted;
    }

    /// <summary>Wakes every waiter (a stopping server answers long polls now).</summary>
    public void WakeAll()
    {
        foreach (var partition in _partitions.Values)
        {
            partition.Changes.Notify();
        }
    }

    private Partition? Host(TopicPartition topicPartition, Uuid topicId, LogConfig config)
    {
        if (_partitions.TryGetValue(topicPartition, out var existing))
        {
            if (existing.TopicId == topicId)
            {
                return existing;
            }

            Remove(topicPartition, existing.TopicId);
        }

        try
        {
            var log = _logs.GetLog(topicPartition);
            var recorded = log is null ? null : PartitionMetadataFile.Read(log.DirectoryPath);
            if (recorded is { } id && id != topicId)
            {
                // A log of an older topic with this name: it is not this topic's data.
                _logs.DeleteLog(topicPartition);
                BrokerLog.StrayLogDeleted(_logger, topicPartition);
                log = null;
                recorded = null;
            }

            log ??= _logs.GetOrCreateLog(topicPartition, config);
            log.UpdateConfig(config);
            if (recorded != topicId)
            {
                PartitionMetadataFile.Write(log.DirectoryPath, topicId);
            }

            var partition = new Partition(NodeId, topicPartition, topicId, log, TopicSettings.From(config));
            _partitions[topicPartition] = partition;
            return partition;
        }
        catch (Exception e) when (e is StorageException or IOException or UnauthorizedAccessException)
        {
            // The partition stays unhosted (NOT_LEADER_OR_FOLLOWER / KAFKA_STORAGE_ERROR to clients); the dir's failure is logged by storage.
            BrokerLog.HostFailed(_logger, e, topicPartition);
            return null;
        }
    }

    private void Remove(TopicPartition topicPartition, Uuid topicId)
    {
        if (_partitions.TryGetValue(topicPartition, out var partition) && partition.TopicId == topicId)
        {
            _partitions.TryRemove(topicPartition, out _);
            _logs.DeleteLog(topicPartition);
            partition.Changes.Notify();
        }
    }

    private void ApplyTopicConfig(string topic, MetadataImage image)
    {
        var config = _configs.LogConfigFor(image, topic);
        _logs.UpdateTopicConfig(topic, config);
        var settings = TopicSettings.From(config);
        foreach (var partition in _partitions.Values)
        {
            if (partition.TopicPartition.Topic == topic)
            {
                partition.UpdateSettings(settings);
            }
        }
    }
}
