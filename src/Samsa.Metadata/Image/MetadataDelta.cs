using Samsa.Metadata.Records;
using Samsa.Protocol.MetadataRecords;
using Samsa.Protocol.Primitives;

namespace Samsa.Metadata.Image;

/// <summary>A metadata record contradicts the state it is replayed onto: the log is damaged or was written wrongly.</summary>
public sealed class MetadataReplayException : Exception
{
    public MetadataReplayException()
    {
    }

    public MetadataReplayException(string message)
        : base(message)
    {
    }

    public MetadataReplayException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>
/// Changes replayed onto a <see cref="MetadataImage"/>: records go in one by one with <see cref="Replay(IMetadataRecord)"/>, and
/// <see cref="Apply"/> makes the next image. The delta also says what changed (topics created, changed and deleted,
/// config resources, brokers), so publishers such as the replica manager act on the change instead of rescanning the
/// whole image.
/// </summary>
public sealed class MetadataDelta
{
    private readonly TopicsDelta _topics;
    private readonly ClusterDelta _cluster;
    private readonly ConfigurationsDelta _configs;
    private readonly Dictionary<string, short> _features = new(StringComparer.Ordinal);
    private long? _nextProducerId;

    public MetadataDelta(MetadataImage image)
    {
        Image = image;
        _topics = new TopicsDelta(image.Topics);
        _cluster = new ClusterDelta(image.Cluster);
        _configs = new ConfigurationsDelta(image.Configs);
    }

    /// <summary>The image this delta applies to.</summary>
    public MetadataImage Image { get; }

    public TopicsDelta Topics => _topics;

    /// <summary>Brokers registered, changed or unregistered.</summary>
    public IReadOnlyCollection<int> ChangedBrokers => _cluster.Changed.Keys;

    /// <summary>Resources whose configs changed (topics removed with their configs included).</summary>
    public IReadOnlyCollection<ConfigResource> ChangedConfigResources => _configs.Changed.Keys;

    public bool FeaturesChanged => _features.Count > 0;

    public bool ProducerIdsChanged => _nextProducerId is not null;

    public bool IsEmpty => _topics.IsEmpty && _cluster.Changed.Count == 0 && _configs.Changed.Count == 0 && !FeaturesChanged && !ProducerIdsChanged;

    /// <summary>The whole of <paramref name="image"/> as a delta from the empty image: everything created.</summary>
    public static MetadataDelta FromImage(MetadataImage image)
    {
        var delta = new MetadataDelta(MetadataImage.Empty(image.ClusterId));
        foreach (var entry in ImageWriter.Records(image))
        {
            delta.Replay(entry);
        }

        return delta;
    }

    public void Replay(MetadataRecordAndVersion entry) => Replay(entry.Record);

    /// <exception cref="MetadataReplayException">The record does not fit the state (an unknown topic, a stale broker epoch).</exception>
    public void Replay(IMetadataRecord record)
    {
        switch (record)
        {
            case TopicRecord r:
                _topics.Replay(r);
                break;
            case PartitionRecord r:
                _topics.Replay(r);
                break;
            case PartitionChangeRecord r:
                _topics.Replay(r);
                break;
            case RemoveTopicRecord r:
                var removed = _topics.Replay(r);
                _configs.Clear(ConfigResource.Topic(removed));
                break;
            case ConfigRecord r:
                _configs.Replay(r);
                break;
            case RegisterBrokerRecord r:
                _cluster.Replay(r);
                break;
            case UnregisterBrokerRecord r:
                _cluster.Replay(r);
                break;
            case FenceBrokerRecord r:
                _cluster.SetFenced(r.Id, r.Epoch, fenced: true);
                break;
            case UnfenceBrokerRecord r:
                _cluster.SetFenced(r.Id, r.Epoch, fenced: false);
                break;
            case BrokerRegistrationChangeRecord r:
                _cluster.Replay(r);
                break;
            case FeatureLevelRecord r:
                _features[r.Name] = r.FeatureLevel;
                break;
            case ProducerIdsRecord r:
                ReplayProducerIds(r);
                break;
            case NoOpRecord:
                // Written by the active controller to advance the log when idle (Kafka's metadata.max.idle.interval.ms); no state.
                break;
            default:
                // Kept in the log and ignored until the feature that owns it exists:
                //   AccessControlEntry / RemoveAccessControlEntry   -> the authorizer (ACL) issue
                //   ClientQuota                                      -> the quotas issue
                //   UserScramCredential / RemoveUserScramCredential  -> the SASL/SCRAM issue
                //   DelegationToken / RemoveDelegationToken          -> the delegation token issue
                //   RegisterController                               -> the Raft quorum (multi-node controllers) issue
                //   Begin/End/AbortTransaction                       -> metadata transactions, with the Raft quorum issue
                //                                                       (Samsa writes each atomic change as one batch)
                //   ZkMigrationState                                 -> never: Samsa has no ZooKeeper mode
                break;
        }
    }

    /// <summary>The image with every replayed change, at <paramref name="offset"/> and <paramref name="epoch"/>.</summary>
    public MetadataImage Apply(long offset, int epoch)
    {
        var image = Image;
        var features = image.Features;
        if (_features.Count > 0)
        {
            var levels = features.Levels.ToBuilder();
            foreach (var (name, level) in _features)
            {
                // Level 0 removes a feature (Kafka's downgrade to "disabled"); metadata.version is never removed.
                if (level == 0 && name != MetadataVersion.FeatureName)
                {
                    levels.Remove(name);
                }
                else
                {
                    levels[name] = level;
                }
            }

            features = new FeaturesImage(levels.ToImmutable());
        }

        return new MetadataImage(
            image.ClusterId,
            offset,
            epoch,
            features,
            _cluster.Apply(),
            _topics.Apply(),
            _configs.Apply(),
            _nextProducerId is long next ? new ProducerIdsImage(next) : image.ProducerIds);
    }

    private void ReplayProducerIds(ProducerIdsRecord record)
    {
        var current = _nextProducerId ?? Image.ProducerIds.NextProducerId;
        if (record.NextProducerId < current)
        {
            throw new MetadataReplayException($"ProducerIdsRecord moves the next producer id back from {current} to {record.NextProducerId}");
        }

        _nextProducerId = record.NextProducerId;
    }
}

/// <summary>One topic's changes in a delta: created (no base image) or changed partitions.</summary>
public sealed class TopicDelta
{
    private readonly Dictionary<int, PartitionRegistration> _changed = [];

    internal TopicDelta(TopicImage? image, string name, Uuid id)
    {
        Image = image;
        Name = name;
        Id = id;
    }

    /// <summary>The topic before the delta; null when the delta creates it.</summary>
    public TopicImage? Image { get; }

    public bool IsCreated => Image is null;

    public string Name { get; }

    public Uuid Id { get; }

    /// <summary>Partitions created or changed, by id, in their new state.</summary>
    public IReadOnlyDictionary<int, PartitionRegistration> ChangedPartitions => _changed;

    internal PartitionRegistration? Partition(int id) =>
        _changed.TryGetValue(id, out var changed) ? changed : Image?.Partition(id);

    internal void Set(int id, PartitionRegistration partition) => _changed[id] = partition;

    internal TopicImage Apply()
    {
        var partitions = (Image?.Partitions ?? System.Collections.Immutable.ImmutableSortedDictionary<int, PartitionRegistration>.Empty).ToBuilder();
        foreach (var (id, partition) in _changed)
        {
            partitions[id] = partition;
        }

        return new TopicImage(Name, Id, partitions.ToImmutable());
    }
}

/// <summary>Topic changes in a delta: created, changed and deleted topics.</summary>
public sealed class TopicsDelta
{
    private readonly TopicsImage _image;
    private readonly Dictionary<Uuid, TopicDelta> _changed = [];
    private readonly Dictionary<Uuid, TopicImage> _deleted = [];
    private readonly Dictionary<string, Uuid> _createdNames = new(StringComparer.Ordinal);

    internal TopicsDelta(TopicsImage image) => _image = image;

    /// <summary>Topics created or changed, by id.</summary>
    public IReadOnlyDictionary<Uuid, TopicDelta> ChangedTopics => _changed;

    /// <summary>Topics of the base image that the delta removes, by id.</summary>
    public IReadOnlyDictionary<Uuid, TopicImage> DeletedTopics => _deleted;

    public bool IsEmpty => _changed.Count == 0 && _deleted.Count == 0;

    internal void Replay(TopicRecord record)
    {
        if (Exists(record.TopicId) || NameInUse(record.Name))
        {
            throw new MetadataReplayException($"TopicRecord for {record.Name} ({record.TopicId}): a topic with that name or id already exists");
        }

        _changed[record.TopicId] = new TopicDelta(null, record.Name, record.TopicId);
        _createdNames[record.Name] = record.TopicId;
    }

    internal void Replay(PartitionRecord record)
    {
        var topic = Topic(record.TopicId, "PartitionRecord");
        topic.Set(record.PartitionId, PartitionRegistration.FromRecord(record));
    }

    internal void Replay(PartitionChangeRecord record)
    {
        var topic = Topic(record.TopicId, "PartitionChangeRecord");
        var partition = topic.Partition(record.PartitionId)
            ?? throw new MetadataReplayException($"PartitionChangeRecord for {topic.Name}-{record.PartitionId}, which does not exist");
        topic.Set(record.PartitionId, partition.Merge(record));
    }

    /// <summary>Returns the removed topic's name.</summary>
    internal string Replay(RemoveTopicRecord record)
    {
        if (_changed.Remove(record.TopicId, out var delta))
        {
            _createdNames.Remove(delta.Name);
            if (delta.Image is not null)
            {
                _deleted[record.TopicId] = delta.Image;
            }

            return delta.Name;
        }

        if (!_deleted.ContainsKey(record.TopicId) && _image.ById.TryGetValue(record.TopicId, out var image))
        {
            _deleted[record.TopicId] = image;
            return image.Name;
        }

        throw new MetadataReplayException($"RemoveTopicRecord for topic id {record.TopicId}, which does not exist");
    }

    internal TopicsImage Apply()
    {
        if (IsEmpty)
        {
            return _image;
        }

        var byId = _image.ById.ToBuilder();
        var byName = _image.ByName.ToBuilder();
        foreach (var (id, deleted) in _deleted)
        {
            byId.Remove(id);
            byName.Remove(deleted.Name);
        }

        foreach (var (id, delta) in _changed)
        {
            var topic = delta.Apply();
            byId[id] = topic;
            byName[topic.Name] = topic;
        }

        return new TopicsImage(byId.ToImmutable(), byName.ToImmutable());
    }

    private bool Exists(Uuid id) => _changed.ContainsKey(id) || (_image.ById.ContainsKey(id) && !_deleted.ContainsKey(id));

    private bool NameInUse(string name) =>
        _createdNames.ContainsKey(name) || (_image.ByName.TryGetValue(name, out var existing) && !_deleted.ContainsKey(existing.Id));

    private TopicDelta Topic(Uuid id, string recordName)
    {
        if (_changed.TryGetValue(id, out var delta))
        {
            return delta;
        }

        if (_deleted.ContainsKey(id) || !_image.ById.TryGetValue(id, out var image))
        {
            throw new MetadataReplayException($"{recordName} for topic id {id}, which does not exist");
        }

        delta = new TopicDelta(image, image.Name, id);
        _changed[id] = delta;
        return delta;
    }
}
