using Samsa.Broker.Configuration;
using Samsa.GroupCoordinator;

namespace Samsa.Broker.Groups;

/// <summary>The coordinator's settings from the broker's configuration, key for key.</summary>
internal static class GroupCoordinatorSettings
{
    public static GroupCoordinatorConfig From(BrokerConfig config) => new()
    {
        OffsetsTopicPartitions = config.Get(BrokerConfigs.OffsetsTopicNumPartitions),
        GroupInitialRebalanceDelayMs = config.Get(BrokerConfigs.GroupInitialRebalanceDelayMs),
        GroupMinSessionTimeoutMs = config.Get(BrokerConfigs.GroupMinSessionTimeoutMs),
        GroupMaxSessionTimeoutMs = config.Get(BrokerConfigs.GroupMaxSessionTimeoutMs),
        GroupMaxSize = config.Get(BrokerConfigs.GroupMaxSize),
        OffsetMetadataMaxBytes = config.Get(BrokerConfigs.OffsetMetadataMaxBytes),
        OffsetsRetentionMs = config.Get(BrokerConfigs.OffsetsRetentionMinutes) * 60_000L,
        OffsetsRetentionCheckIntervalMs = config.Get(BrokerConfigs.OffsetsRetentionCheckIntervalMs),
        ConsumerGroupSessionTimeoutMs = config.Get(BrokerConfigs.GroupConsumerSessionTimeoutMs),
        ConsumerGroupHeartbeatIntervalMs = config.Get(BrokerConfigs.GroupConsumerHeartbeatIntervalMs),
        ConsumerGroupMaxSize = config.Get(BrokerConfigs.GroupConsumerMaxSize),
        ConsumerGroupAssignors = config.Get(BrokerConfigs.GroupConsumerAssignors),
        ConsumerProtocolEnabled = config.Get(BrokerConfigs.GroupCoordinatorRebalanceProtocols).Contains("consumer"),
    };
}
