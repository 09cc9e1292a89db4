namespace Samsa.GroupCoordinator;

/// <summary>
/// The coordinator's settings, with Kafka's names (in the comments) and defaults. The broker builds one from its
/// <c>BrokerConfig</c>; tests set what they need.
/// </summary>
public sealed record GroupCoordinatorConfig
{
    /// <summary><c>offsets.topic.num.partitions</c>: the partitions of <c>__consumer_offsets</c>.</summary>
    public int OffsetsTopicPartitions { get; init; } = 50;

    /// <summary><c>group.initial.rebalance.delay.ms</c>.</summary>
    public int GroupInitialRebalanceDelayMs { get; init; } = 3000;

    /// <summary><c>group.min.session.timeout.ms</c>.</summary>
    public int GroupMinSessionTimeoutMs { get; init; } = 6000;

    /// <summary><c>group.max.session.timeout.ms</c>.</summary>
    public int GroupMaxSessionTimeoutMs { get; init; } = 1800000;

    /// <summary><c>group.max.size</c>: most members of a classic group.</summary>
    public int GroupMaxSize { get; init; } = int.MaxValue;

    /// <summary>How long a new member's JoinGroup may wait (Kafka's fixed 5 minutes for members without an id yet).</summary>
    public int NewMemberJoinTimeoutMs { get; init; } = 5 * 60 * 1000;

    /// <summary><c>offset.metadata.max.bytes</c>.</summary>
    public int OffsetMetadataMaxBytes { get; init; } = 4096;

    /// <summary><c>offsets.retention.minutes</c>, in milliseconds.</summary>
    public long OffsetsRetentionMs { get; init; } = 10080L * 60 * 1000;

    /// <summary><c>offsets.retention.check.interval.ms</c>.</summary>
    public long OffsetsRetentionCheckIntervalMs { get; init; } = 600000;

    /// <summary><c>group.consumer.session.timeout.ms</c>.</summary>
    public int ConsumerGroupSessionTimeoutMs { get; init; } = 45000;

    /// <summary><c>group.consumer.heartbeat.interval.ms</c>.</summary>
    public int ConsumerGroupHeartbeatIntervalMs { get; init; } = 5000;

    /// <summary><c>group.consumer.max.size</c>.</summary>
    public int ConsumerGroupMaxSize { get; init; } = int.MaxValue;

    /// <summary><c>group.consumer.assignors</c>: server-side assignor names; the first is the default.</summary>
    public IReadOnlyList<string> ConsumerGroupAssignors { get; init; } = ["uniform", "range"];

    /// <summary><c>group.coordinator.rebalance.protocols</c> contains <c>consumer</c>: KIP-848 heartbeats are served.</summary>
    public bool ConsumerProtocolEnabled { get; init; } = true;
}
