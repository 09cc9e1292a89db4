using Samsa.GroupCoordinator.Classic;
using Samsa.GroupCoordinator.Consumer;
using Samsa.GroupCoordinator.Offsets;
using Samsa.GroupCoordinator.Records;
using Samsa.Protocol.GroupCoordinatorRecords;

namespace Samsa.GroupCoordinator;

/// <summary>
/// Applies <c>__consumer_offsets</c> records to the shard's state: how a partition is loaded, and how KIP-848 group
/// changes are applied live (so the state is always what replaying the log gives).
/// </summary>
internal sealed partial class GroupCoordinatorShard
{
    /// <summary>Applies one loaded record (the loader calls this while the shard is loading).</summary>
    internal void ReplayForLoad(CoordinatorRecord record, long recordOffset)
    {
        lock (_lock)
        {
            Replay(record, recordOffset);
        }
    }

    /// <param name="record">The record.</param>
    /// <param name="recordOffset">Its offset in the log (-1 when applied before the write completes).</param>
    internal void Replay(CoordinatorRecord record, long recordOffset)
    {
        switch (record.Key)
        {
            case OffsetCommitKey key:
                ReplayOffset(key, (OffsetCommitValue?)record.Value, recordOffset);
                break;
            case GroupMetadataKey key:
                ReplayGroupMetadata(key.group, (GroupMetadataValue?)record.Value);
                break;
            case ConsumerGroupMetadataKey key:
                ReplayConsumerGroupEpoch(key.GroupId, (ConsumerGroupMetadataValue?)record.Value);
                break;
            case ConsumerGroupPartitionMetadataKey key:
                ReplaySubscriptionMetadata(key.GroupId, (ConsumerGroupPartitionMetadataValue?)record.Value);
                break;
            case ConsumerGroupMemberMetadataKey key:
                ReplayMemberSubscription(key.GroupId, key.MemberId, (ConsumerGroupMemberMetadataValue?)record.Value);
                break;
            case ConsumerGroupTargetAssignmentMetadataKey key:
                if (ConsumerGroupFor(key.GroupId, record.Value is not null) is { } targetGroup)
                {
                    targetGroup.AssignmentEpoch = (record.Value as ConsumerGroupTargetAssignmentMetadataValue)?.AssignmentEpoch ?? 0;
                }

                break;
            case ConsumerGroupTargetAssignmentMemberKey key:
                if (ConsumerGroupFor(key.GroupId, record.Value is not null) is { } assignmentGroup)
                {
                    if (record.Value is ConsumerGroupTargetAssignmentMemberValue target)
                    {
                        assignmentGroup.TargetAssignment[key.MemberId] = CoordinatorRecords.FromRecord(target.TopicPartitions);
                    }
                    else
                    {
                        assignmentGroup.TargetAssignment.Remove(key.MemberId);
                    }
                }

                break;
            case ConsumerGroupCurrentMemberAssignmentKey key:
                ReplayCurrentAssignment(key.GroupId, key.MemberId, (ConsumerGroupCurrentMemberAssignmentValue?)record.Value);
                break;
            default:
                break;
        }
    }

    private void ReplayOffset(OffsetCommitKey key, OffsetCommitValue? value, long recordOffset)
    {
        var partition = new TopicPartitionKey(key.topic, key.partition);
        if (value is null)
        {
            RemoveOffset(key.group, partition, recordOffset == -1 ? long.MaxValue : recordOffset);
            return;
        }

        // Offsets without group metadata belong to a group without members (a "simple" group), as in Kafka.
        if (FindGroup(key.group) is null)
        {
            _groups[key.group] = new ClassicGroup(key.group, ClassicGroupState.Empty, value.commitTimestamp) { CurrentStateTimestamp = -1 };
        }

        ApplyOffset(key.group, partition, new CommittedOffset(value.offset, value.leaderEpoch, value.metadata, value.commitTimestamp, value.expireTimestamp, recordOffset));
    }

    private void ReplayGroupMetadata(string groupId, GroupMetadataValue? value)
    {
        if (value is null)
        {
            if (FindGroup(groupId) is ClassicGroup)
            {
                RemoveGroup(groupId);
            }

            return;
        }

        var group = new ClassicGroup(groupId, value.members.Count == 0 ? ClassicGroupState.Empty : ClassicGroupState.Stable, NowMs)
        {
            GenerationId = value.generation,
            ProtocolType = string.IsNullOrEmpty(value.protocolType) ? null : value.protocolType,
            ProtocolName = value.protocol,
            CurrentStateTimestamp = value.currentStateTimestamp,
        };
        foreach (var member in value.members)
        {
            var protocols = new List<MemberProtocol>();
            if (value.protocol is not null)
            {
                protocols.Add(new MemberProtocol(value.protocol, member.subscription));
            }

            var loaded = new ClassicGroupMember(
                member.memberId,
                member.groupInstanceId,
                member.clientId,
                member.clientHost,
                member.rebalanceTimeout == -1 ? member.sessionTimeout : member.rebalanceTimeout,
                member.sessionTimeout,
                value.protocolType,
                protocols)
            {
                Assignment = member.assignment,
            };
            group.Add(loaded, null);
        }

        group.LeaderId = value.leader;
        group.SubscribedTopics = group.ComputeSubscribedTopics();
        RemoveGroup(groupId);
        _groups[groupId] = group;
    }

    private ConsumerGroup? ConsumerGroupFor(string groupId, bool create)
    {
        switch (FindGroup(groupId))
        {
            case ConsumerGroup group:
                return group;
            case ClassicGroup classic when create && classic.IsEmpty:
                RemoveGroup(groupId);
                break;
            case null when create:
                break;
            default:
                return null;
        }

        var created = new ConsumerGroup(groupId);
        _groups[groupId] = created;
        return created;
    }

    private void ReplayConsumerGroupEpoch(string groupId, ConsumerGroupMetadataValue? value)
    {
        if (value is null)
        {
            if (FindGroup(groupId) is ConsumerGroup)
            {
                RemoveGroup(groupId);
            }

            return;
        }

        ConsumerGroupFor(groupId, create: true)!.GroupEpoch = value.Epoch;
    }

    private void ReplaySubscriptionMetadata(string groupId, ConsumerGroupPartitionMetadataValue? value)
    {
        if (ConsumerGroupFor(groupId, value is not null) is not { } group)
        {
            return;
        }

        var metadata = new Dictionary<string, TopicInfo>(StringComparer.Ordinal);
        foreach (var topic in value?.Topics ?? [])
        {
            metadata[topic.TopicName] = new TopicInfo(topic.TopicId, topic.TopicName, topic.NumPartitions);
        }

        group.SubscriptionMetadata = metadata;
    }

    private void ReplayMemberSubscription(string groupId, string memberId, ConsumerGroupMemberMetadataValue? value)
    {
        if (ConsumerGroupFor(groupId, value is not null) is not { } group)
        {
            return;
        }

        if (value is null)
        {
            group.RemoveMember(memberId);
            group.TargetAssignment.Remove(memberId);
            return;
        }

        var member = group.Member(memberId) ?? new ConsumerGroupMember(memberId);
        member.InstanceId = value.InstanceId;
        member.RackId = value.RackId;
        member.ClientId = value.ClientId;
        member.ClientHost = value.ClientHost;
        member.SubscribedTopicNames = [.. value.SubscribedTopicNames];
        member.SubscribedTopicRegex = value.SubscribedTopicRegex;
        member.RebalanceTimeoutMs = value.RebalanceTimeoutMs;
        member.ServerAssignor = value.ServerAssignor;
        group.PutMember(member);
    }

    private void ReplayCurrentAssignment(string groupId, string memberId, ConsumerGroupCurrentMemberAssignmentValue? value)
    {
        if (ConsumerGroupFor(groupId, value is not null) is not { } group)
        {
            return;
        }

        var member = group.Member(memberId);
        if (member is null)
        {
            if (value is null)
            {
                return;
            }

            member = new ConsumerGroupMember(memberId);
            group.PutMember(member);
        }

        if (value is null)
        {
            group.UpdateAssignment(member, ConsumerGroupMember.LeaveGroupEpoch, ConsumerGroupMember.LeaveGroupEpoch, MemberState.Stable, new TopicPartitionSet(), new TopicPartitionSet());
            return;
        }

        var state = Enum.IsDefined((MemberState)value.State) ? (MemberState)value.State : MemberState.Unknown;
        group.UpdateAssignment(
            member,
            value.MemberEpoch,
            value.PreviousMemberEpoch,
            state,
            CoordinatorRecords.FromRecord(value.AssignedPartitions),
            CoordinatorRecords.FromRecord(value.PartitionsPendingRevocation));
    }
}
