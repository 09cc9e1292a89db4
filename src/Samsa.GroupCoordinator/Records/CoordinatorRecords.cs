using Samsa.GroupCoordinator.Classic;
using Samsa.GroupCoordinator.Consumer;
using Samsa.GroupCoordinator.Offsets;
using Samsa.Protocol.GroupCoordinatorRecords;
using Samsa.Protocol.Primitives;

namespace Samsa.GroupCoordinator.Records;

/// <summary>Builds the records Kafka writes for each state change, with the key and value versions Kafka uses.</summary>
internal static class CoordinatorRecords
{
    /// <summary>Kafka 2.3+ writes GroupMetadataValue version 3 (static members' instance ids).</summary>
    public const short GroupMetadataValueVersion = 3;

    public static CoordinatorRecord OffsetCommit(string groupId, string topic, int partition, CommittedOffset offset)
    {
        var key = new OffsetCommitKey { group = groupId, topic = topic, partition = partition };

        // Version 1 is the only one that carries an expire timestamp (OffsetCommit v2-v4's retention time); Kafka
        // writes version 3 otherwise.
        var valueVersion = offset.ExpireTimestamp >= 0 ? (short)1 : (short)3;
        var value = new OffsetCommitValue
        {
            offset = offset.Offset,
            leaderEpoch = offset.LeaderEpoch,
            metadata = offset.Metadata,
            commitTimestamp = offset.CommitTimestamp,
            expireTimestamp = offset.ExpireTimestamp,
        };
        return new CoordinatorRecord(CoordinatorRecordType.OffsetCommit, key, value, valueVersion);
    }

    public static CoordinatorRecord OffsetCommitTombstone(string groupId, string topic, int partition) =>
        new(CoordinatorRecordType.OffsetCommit, new OffsetCommitKey { group = groupId, topic = topic, partition = partition }, null, 0);

    public static CoordinatorRecord GroupMetadata(ClassicGroup group, IReadOnlyDictionary<string, byte[]>? assignment)
    {
        var value = new GroupMetadataValue
        {
            protocolType = group.ProtocolType ?? "",
            generation = group.GenerationId,
            protocol = group.ProtocolName,
            leader = group.LeaderId,
            currentStateTimestamp = group.CurrentStateTimestamp,
            members = [],
        };
        foreach (var member in group.Members)
        {
            value.members.Add(new GroupMetadataValue.MemberMetadata
            {
                memberId = member.MemberId,
                groupInstanceId = member.GroupInstanceId,
                clientId = member.ClientId,
                clientHost = member.ClientHost,
                rebalanceTimeout = member.RebalanceTimeoutMs,
                sessionTimeout = member.SessionTimeoutMs,
                subscription = group.ProtocolName is null ? [] : member.Metadata(group.ProtocolName) ?? [],
                assignment = assignment is not null && assignment.TryGetValue(member.MemberId, out var bytes) ? bytes : member.Assignment,
            });
        }

        return new CoordinatorRecord(CoordinatorRecordType.GroupMetadata, new GroupMetadataKey { group = group.GroupId }, value, GroupMetadataValueVersion);
    }

    public static CoordinatorRecord GroupMetadataTombstone(string groupId) =>
        new(CoordinatorRecordType.GroupMetadata, new GroupMetadataKey { group = groupId }, null, 0);

    public static CoordinatorRecord ConsumerGroupEpoch(string groupId, int epoch) =>
        new(
            CoordinatorRecordType.ConsumerGroupMetadata,
            new ConsumerGroupMetadataKey { GroupId = groupId },
            new ConsumerGroupMetadataValue { Epoch = epoch },
            0);

    public static CoordinatorRecord ConsumerGroupEpochTombstone(string groupId) =>
        new(CoordinatorRecordType.ConsumerGroupMetadata, new ConsumerGroupMetadataKey { GroupId = groupId }, null, 0);

    public static CoordinatorRecord ConsumerGroupSubscriptionMetadata(string groupId, IReadOnlyDictionary<string, TopicInfo> topics)
    {
        var value = new ConsumerGroupPartitionMetadataValue { Topics = [] };
        foreach (var topic in topics.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            value.Topics.Add(new ConsumerGroupPartitionMetadataValue.TopicMetadata
            {
                TopicId = topic.Id,
                TopicName = topic.Name,
                NumPartitions = topic.PartitionCount,
                PartitionMetadata = [],
            });
        }

        return new CoordinatorRecord(CoordinatorRecordType.ConsumerGroupPartitionMetadata, new ConsumerGroupPartitionMetadataKey { GroupId = groupId }, value, 0);
    }

    public static CoordinatorRecord ConsumerGroupSubscriptionMetadataTombstone(string groupId) =>
        new(CoordinatorRecordType.ConsumerGroupPartitionMetadata, new ConsumerGroupPartitionMetadataKey { GroupId = groupId }, null, 0);

    public static CoordinatorRecord ConsumerGroupMemberSubscription(string groupId, ConsumerGroupMember member) =>
        new(
            CoordinatorRecordType.ConsumerGroupMemberMetadata,
            new ConsumerGroupMemberMetadataKey { GroupId = groupId, MemberId = member.MemberId },
            new ConsumerGroupMemberMetadataValue
            {
                InstanceId = member.InstanceId,
                RackId = member.RackId,
                ClientId = member.ClientId,
                ClientHost = member.ClientHost,
                SubscribedTopicNames = [.. member.SubscribedTopicNames],
                SubscribedTopicRegex = member.SubscribedTopicRegex,
                RebalanceTimeoutMs = member.RebalanceTimeoutMs,
                ServerAssignor = member.ServerAssignor,
            },
            0);

    public static CoordinatorRecord ConsumerGroupMemberSubscriptionTombstone(string groupId, string memberId) =>
        new(CoordinatorRecordType.ConsumerGroupMemberMetadata, new ConsumerGroupMemberMetadataKey { GroupId = groupId, MemberId = memberId }, null, 0);

    public static CoordinatorRecord ConsumerGroupTargetAssignment(string groupId, string memberId, TopicPartitionSet assignment)
    {
        var value = new ConsumerGroupTargetAssignmentMemberValue { TopicPartitions = [] };
        foreach (var (topicId, partitions) in assignment.Topics)
        {
            value.TopicPartitions.Add(new ConsumerGroupTargetAssignmentMemberValue.TopicPartition { TopicId = topicId, Partitions = [.. partitions] });
        }

        return new CoordinatorRecord(
            CoordinatorRecordType.ConsumerGroupTargetAssignmentMember,
            new ConsumerGroupTargetAssignmentMemberKey { GroupId = groupId, MemberId = memberId },
            value,
            0);
    }

    public static CoordinatorRecord ConsumerGroupTargetAssignmentTombstone(string groupId, string memberId) =>
        new(CoordinatorRecordType.ConsumerGroupTargetAssignmentMember, new ConsumerGroupTargetAssignmentMemberKey { GroupId = groupId, MemberId = memberId }, null, 0);

    public static CoordinatorRecord ConsumerGroupTargetAssignmentEpoch(string groupId, int epoch) =>
        new(
            CoordinatorRecordType.ConsumerGroupTargetAssignmentMetadata,
            new ConsumerGroupTargetAssignmentMetadataKey { GroupId = groupId },
            new ConsumerGroupTargetAssignmentMetadataValue { AssignmentEpoch = epoch },
            0);

    public static CoordinatorRecord ConsumerGroupTargetAssignmentEpochTombstone(string groupId) =>
        new(CoordinatorRecordType.ConsumerGroupTargetAssignmentMetadata, new ConsumerGroupTargetAssignmentMetadataKey { GroupId = groupId }, null, 0);

    public static CoordinatorRecord ConsumerGroupCurrentAssignment(string groupId, ConsumerGroupMember member) =>
        new(
            CoordinatorRecordType.ConsumerGroupCurrentMemberAssignment,
            new ConsumerGroupCurrentMemberAssignmentKey { GroupId = groupId, MemberId = member.MemberId },
            new ConsumerGroupCurrentMemberAssignmentValue
            {
                MemberEpoch = member.MemberEpoch,
                PreviousMemberEpoch = member.PreviousMemberEpoch,
                State = (sbyte)member.State,
                AssignedPartitions = ToRecord(member.AssignedPartitions),
                PartitionsPendingRevocation = ToRecord(member.PartitionsPendingRevocation),
            },
            0);

    public static CoordinatorRecord ConsumerGroupCurrentAssignmentTombstone(string groupId, string memberId) =>
        new(CoordinatorRecordType.ConsumerGroupCurrentMemberAssignment, new ConsumerGroupCurrentMemberAssignmentKey { GroupId = groupId, MemberId = memberId }, null, 0);

    private static List<ConsumerGroupCurrentMemberAssignmentValue.TopicPartitions> ToRecord(TopicPartitionSet set)
    {
        var list = new List<ConsumerGroupCurrentMemberAssignmentValue.TopicPartitions>(set.Topics.Count);
        foreach (var (topicId, partitions) in set.Topics)
        {
            list.Add(new ConsumerGroupCurrentMemberAssignmentValue.TopicPartitions { TopicId = topicId, Partitions = [.. partitions] });
        }

        return list;
    }

    internal static TopicPartitionSet FromRecord(List<ConsumerGroupCurrentMemberAssignmentValue.TopicPartitions> list)
    {
        var set = new TopicPartitionSet();
        foreach (var topic in list)
        {
            foreach (var partition in topic.Partitions)
            {
                set.Add(topic.TopicId, partition);
            }
        }

        return set;
    }

    internal static TopicPartitionSet FromRecord(List<ConsumerGroupTargetAssignmentMemberValue.TopicPartition> list)
    {
        var set = new TopicPartitionSet();
        foreach (var topic in list)
        {
            foreach (var partition in topic.Partitions)
            {
                set.Add(topic.TopicId, partition);
            }
        }

        return set;
    }

    internal static Uuid NoTopic => Uuid.Zero;
}
