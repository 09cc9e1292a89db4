using System.Collections.Immutable;
using Samsa.Protocol.Primitives;

namespace Samsa.Metadata.Image;

/// <summary>
/// The cluster's state as of one offset of the metadata log, immutable: every reader (request handlers, the replica
/// manager) takes the current image and sees one consistent state however long it works with it. A new image is
/// made by replaying records into a <see cref="MetadataDelta"/> and applying it.
/// </summary>
public sealed class MetadataImage
{
    public MetadataImage(
        string clusterId,
        long offset,
        int epoch,
        FeaturesImage features,
        ClusterImage cluster,
        TopicsImage topics,
        ConfigurationsImage configs,
        ProducerIdsImage producerIds)
    {
        ClusterId = clusterId;
        Offset = offset;
        Epoch = epoch;
        Features = features;
        Cluster = cluster;
        Topics = topics;
        Configs = configs;
        ProducerIds = producerIds;
    }

    /// <summary>The cluster id from meta.properties (Kafka keeps it out of the log too).</summary>
    public string ClusterId { get; }

    /// <summary>Offset of the last metadata record applied; -1 for the empty image.</summary>
    public long Offset { get; }

    /// <summary>Leader epoch of the quorum that wrote the last applied batch; -1 for the empty image.</summary>
    public int Epoch { get; }

    public FeaturesImage Features { get; }

    public ClusterImage Cluster { get; }

    public TopicsImage Topics { get; }

    public ConfigurationsImage Configs { get; }

    public ProducerIdsImage ProducerIds { get; }

    public bool IsEmpty => Offset < 0;

    public static MetadataImage Empty(string clusterId) =>
        new(clusterId, -1, -1, FeaturesImage.Empty, ClusterImage.Empty, TopicsImage.Empty, ConfigurationsImage.Empty, ProducerIdsImage.Empty);

    public override string ToString() =>
        $"image at offset {Offset} (epoch {Epoch}): {Cluster.Brokers.Count} broker(s), {Topics.ById.Count} topic(s), metadata.version {Features.MetadataVersionLevel}";
}

/// <summary>Finalized feature levels (FeatureLevelRecord): metadata.version and later kraft.version, group.version...</summary>
public sealed class FeaturesImage(ImmutableSortedDictionary<string, short> levels)
{
    public static readonly FeaturesImage Empty = new(ImmutableSortedDictionary.Create<string, short>(StringComparer.Ordinal));

    public ImmutableSortedDictionary<string, short> Levels { get; } = levels;

    /// <summary>0 until the bootstrap record has been written.</summary>
    public short MetadataVersionLevel => Levels.GetValueOrDefault(Records.MetadataVersion.FeatureName);
}

/// <summary>Registered brokers by id.</summary>
public sealed class ClusterImage(ImmutableSortedDictionary<int, BrokerRegistration> brokers)
{
    public static readonly ClusterImage Empty = new(ImmutableSortedDictionary<int, BrokerRegistration>.Empty);

    public ImmutableSortedDictionary<int, BrokerRegistration> Brokers { get; } = brokers;

    public BrokerRegistration? Broker(int id) => Brokers.GetValueOrDefault(id);

    public bool IsActive(int id) => Brokers.TryGetValue(id, out var broker) && broker.IsActive;
}

/// <summary>Topics by id and by name (names sorted, so listings are stable).</summary>
public sealed class TopicsImage(ImmutableDictionary<Uuid, TopicImage> byId, ImmutableSortedDictionary<string, TopicImage> byName)
{
    public static readonly TopicsImage Empty = new(
        ImmutableDictionary<Uuid, TopicImage>.Empty,
        ImmutableSortedDictionary.Create<string, TopicImage>(StringComparer.Ordinal));

    public ImmutableDictionary<Uuid, TopicImage> ById { get; } = byId;

    public ImmutableSortedDictionary<string, TopicImage> ByName { get; } = byName;

    public TopicImage? Get(string name) => ByName.GetValueOrDefault(name);

    public TopicImage? Get(Uuid id) => ById.GetValueOrDefault(id);
}

/// <summary>Config overrides per resource (ConfigRecord): only what was set, never defaults.</summary>
public sealed class ConfigurationsImage(ImmutableDictionary<ConfigResource, ImmutableSortedDictionary<string, string>> resources)
{
    public static readonly ConfigurationsImage Empty = new(ImmutableDictionary<ConfigResource, ImmutableSortedDictionary<string, string>>.Empty);

    private static readonly ImmutableSortedDictionary<string, string> None = ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal);

    public ImmutableDictionary<ConfigResource, ImmutableSortedDictionary<string, string>> Resources { get; } = resources;

    /// <summary>The overrides of a resource; empty when it has none.</summary>
    public ImmutableSortedDictionary<string, string> For(ConfigResource resource) => Resources.GetValueOrDefault(resource, None);

    public ImmutableSortedDictionary<string, string> ForTopic(string topic) => For(ConfigResource.Topic(topic));
}

/// <summary>The next producer id the controller will hand out (ProducerIdsRecord); -1 before the first block.</summary>
public sealed record ProducerIdsImage(long NextProducerId)
{
    public static readonly ProducerIdsImage Empty = new(-1L);
}
