using Samsa.Protocol.Primitives;

namespace Samsa.GroupCoordinator;

/// <summary>One topic as the server-side assignors see it.</summary>
public readonly record struct TopicInfo(Uuid Id, string Name, int PartitionCount);

/// <summary>
/// The topics of the broker's metadata image, for KIP-848 groups (server-side assignment needs partition counts and
/// topic ids). The broker implements it over its metadata image; reads must be cheap and thread-safe.
/// </summary>
public interface ITopicMetadata
{
    /// <summary>Changes whenever a topic is created, deleted or gets partitions; groups refresh their view then.</summary>
    long Version { get; }

    bool TryGetTopic(string name, out TopicInfo topic);

    bool TryGetTopic(Uuid id, out TopicInfo topic);

    /// <summary>All topic names, for regular-expression subscriptions.</summary>
    IEnumerable<string> TopicNames { get; }
}

/// <summary>
/// Pending transactional offset commits, for OffsetFetch's <c>require_stable</c> (UNSTABLE_OFFSET_COMMIT). The
/// transaction coordinator will implement it; until then nothing is pending.
/// </summary>
public interface ITransactionalOffsetsView
{
    bool HasPendingOffset(string groupId, string topic, int partition);
}
