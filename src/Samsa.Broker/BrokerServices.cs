using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Samsa.Broker.Configuration;
using Samsa.Broker.Fetch;
using Samsa.Broker.Groups;
using Samsa.Broker.Metadata;
using Samsa.Broker.Partitions;
using Samsa.Metadata.Controller;
using Samsa.Metadata.Image;
using Samsa.Metadata.Loader;
using Samsa.Storage;

namespace Samsa.Broker;

/// <summary>
/// What request handlers reach: the configuration, the current metadata image, the replica manager, the
/// controller (for every metadata change), fetch sessions, storage, the group coordinator. Handlers take it in their constructor and keep
/// only what they use.
/// </summary>
public sealed class BrokerServices
{
    public required BrokerConfig Config { get; init; }

    /// <summary>The broker's view of the metadata log; <see cref="Image"/> is its latest image.</summary>
    public required MetadataLoader Metadata { get; init; }

    public required ReplicaManager Replicas { get; init; }

    /// <summary>The active controller (in this process for now; a forwarding client later).</summary>
    public required IClusterController Controller { get; init; }

    public required LogManager Logs { get; init; }

    public required FetchSessionCache FetchSessions { get; init; }

    public required TopicConfigResolver TopicConfigs { get; init; }

    public required AutoTopicCreator AutoTopics { get; init; }

    /// <summary>The group coordinator of the <c>__consumer_offsets</c> partitions this broker leads.</summary>
    public required GroupCoordinator.GroupCoordinator Groups { get; init; }

    /// <summary>Creates <c>__consumer_offsets</c> on the first FindCoordinator.</summary>
    public required OffsetsTopicCreator OffsetsTopic { get; init; }

    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public int NodeId => Config.NodeId;

    /// <summary>The current metadata image: take it once per request and use that one.</summary>
    public MetadataImage Image => Metadata.Image;
}
