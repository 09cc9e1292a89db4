using Samsa.GroupCoordinator.Classic;
using Samsa.GroupCoordinator.Consumer;
using Samsa.GroupCoordinator.Records;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;

namespace Samsa.GroupCoordinator;

/// <summary>DescribeGroups, ListGroups, DeleteGroups and ConsumerGroupDescribe.</summary>
internal sealed partial class GroupCoordinatorShard
{
    public DescribeGroupsResponse.DescribedGroup DescribeGroup(string groupId)
    {
        lock (_lock)
        {
            if (Unavailable is { } unavailable)
            {
                return new DescribeGroupsResponse.DescribedGroup { GroupId = groupId, ErrorCode = (short)unavailable, GroupState = "", ProtocolType = "", ProtocolData = "", Members = [] };
            }

            // Kafka describes only classic groups here; anything else reads as Dead.
            if (FindGroup(groupId) is not ClassicGroup group || group.State == ClassicGroupState.Dead)
            {
                return new DescribeGroupsResponse.DescribedGroup { GroupId = groupId, GroupState = "Dead", ProtocolType = "", ProtocolData = "", Members = [] };
            }

            var stable = group.State == ClassicGroupState.Stable;
            var described = new DescribeGroupsResponse.DescribedGroup
            {
                GroupId = groupId,
                GroupState = group.StateName,
                ProtocolType = group.ProtocolType ?? "",
                ProtocolData = stable ? group.ProtocolName ?? "" : "",
                Members = [],
            };
            foreach (var member in group.Members)
            {
                // Metadata and assignment are shown only while the group is stable, as in Kafka.
                described.Members.Add(new DescribeGroupsResponse.DescribedGroupMember
                {
                    MemberId = member.MemberId,
                    GroupInstanceId = member.GroupInstanceId,
                    ClientId = member.ClientId,
                    ClientHost = member.ClientHost,
                    MemberMetadata = stable && group.ProtocolName is not null ? member.Metadata(group.ProtocolName) ?? [] : [],
                    MemberAssignment = stable ? member.Assignment : [],
                });
            }

            return described;
        }
    }

    public ConsumerGroupDescribeResponse.DescribedGroup DescribeConsumerGroup(string groupId)
    {
        lock (_lock)
        {
            var described = new ConsumerGroupDescribeResponse.DescribedGroup { GroupId = groupId, GroupState = "", AssignorName = "", Members = [] };
            if (Unavailable is { } unavailable)
            {
                described.ErrorCode = (short)unavailable;
                return described;
            }

            if (FindGroup(groupId) is not ConsumerGroup group)
            {
                described.ErrorCode = (short)ErrorCode.GroupIdNotFound;
                described.ErrorMessage = FindGroup(groupId) is null ? $"Group {groupId} not found." : $"Group {groupId} is not a consumer group.";
                return described;
            }

            described.GroupState = group.StateName;
            described.GroupEpoch = group.GroupEpoch;
            described.AssignmentEpoch = group.AssignmentEpoch;
            described.AssignorName = group.Members.Values.Select(m => m.ServerAssignor).FirstOrDefault(a => a is not null) ?? Config.ConsumerGroupAssignors[0];
            foreach (var member in group.Members.Values.OrderBy(m => m.MemberId, StringComparer.Ordinal))
            {
                described.Members.Add(new ConsumerGroupDescribeResponse.Member
                {
                    MemberId = member.MemberId,
                    InstanceId = member.InstanceId,
                    RackId = member.RackId,
                    MemberEpoch = member.MemberEpoch,
                    ClientId = member.ClientId,
                    ClientHost = member.ClientHost,
                    SubscribedTopicNames = [.. member.SubscribedTopicNames],
                    SubscribedTopicRegex = member.SubscribedTopicRegex,
                    Assignment = DescribeAssignment(member.AssignedPartitions),
                    TargetAssignment = DescribeAssignment(group.TargetAssignment.GetValueOrDefault(member.MemberId) ?? new TopicPartitionSet()),
                });
            }

            return described;
        }
    }

    private ConsumerGroupDescribeResponse.Assignment DescribeAssignment(TopicPartitionSet set)
    {
        var assignment = new ConsumerGroupDescribeResponse.Assignment { TopicPartitions = [] };
        foreach (var (topicId, partitions) in set.Topics)
        {
            assignment.TopicPartitions.Add(new ConsumerGroupDescribeResponse.TopicPartitions
            {
                TopicId = topicId,
                TopicName = _topics.TryGetTopic(topicId, out var info) ? info.Name : "",
                Partitions = [.. partitions],
            });
        }

        return assignment;
    }

    /// <summary>The shard's groups matching the filters (empty filter: all; compared ignoring case, as Kafka 4 does).</summary>
    public List<ListGroupsResponse.ListedGroup> ListGroups(IReadOnlyCollection<string> statesFilter, IReadOnlyCollection<string> typesFilter)
    {
        lock (_lock)
        {
            var result = new List<ListGroupsResponse.ListedGroup>();
            if (Status != ShardStatus.Active)
            {
                return result;
            }

            foreach (var group in _groups.Values)
            {
                if (statesFilter.Count > 0 && !statesFilter.Contains(group.StateName, StringComparer.OrdinalIgnoreCase))
                {
                    continue;
                }

                if (typesFilter.Count > 0 && !typesFilter.Contains(group.TypeName, StringComparer.OrdinalIgnoreCase))
                {
                    continue;
                }

                result.Add(new ListGroupsResponse.ListedGroup
                {
                    GroupId = group.GroupId,
                    ProtocolType = group.ProtocolTypeForListing,
                    GroupState = group.StateName,
                    GroupType = group.TypeName,
                });
            }

            return result;
        }
    }

    /// <summary>Deletes empty groups and their offsets (NON_EMPTY_GROUP otherwise); answers once the tombstones are durable.</summary>
    public async Task<List<(string GroupId, ErrorCode Error)>> DeleteGroupsAsync(IReadOnlyList<string> groupIds)
    {
        var results = new List<(string GroupId, ErrorCode Error)>();
        var deleting = new List<string>();
        Task<long>? write = null;
        lock (_lock)
        {
            var records = new List<CoordinatorRecord>();
            foreach (var groupId in groupIds)
            {
                var error = Unavailable ?? ValidateDeleteGroup(groupId);
                if (error != ErrorCode.None)
                {
                    results.Add((groupId, error));
                    continue;
                }

                if (_offsets.TryGetValue(groupId, out var offsets))
                {
                    foreach (var key in offsets.Keys)
                    {
                        records.Add(CoordinatorRecords.OffsetCommitTombstone(groupId, key.Topic, key.Partition));
                    }
                }

                records.AddRange(GroupTombstones(FindGroup(groupId), groupId));
                deleting.Add(groupId);
            }

            if (records.Count > 0)
            {
                write = Append(records);
            }
        }

        if (write is not null)
        {
            await AfterWriteAsync(write, (error, _) =>
            {
                foreach (var groupId in deleting)
                {
                    if (error == ErrorCode.None)
                    {
                        _offsets.Remove(groupId);
                        if (FindGroup(groupId) is { IsEmpty: true })
                        {
                            RemoveGroup(groupId);
                        }
                    }

                    results.Add((groupId, MapAppendError(error)));
                }
            }).ConfigureAwait(false);
        }

        return results;
    }

    private ErrorCode ValidateDeleteGroup(string groupId)
    {
        if (string.IsNullOrEmpty(groupId))
        {
            return ErrorCode.InvalidGroupId;
        }

        return FindGroup(groupId) switch
        {
            null => ErrorCode.GroupIdNotFound,
            ClassicGroup { State: ClassicGroupState.Dead } => ErrorCode.GroupIdNotFound,
            { IsEmpty: false } => ErrorCode.NonEmptyGroup,
            _ => ErrorCode.None,
        };
    }

    /// <summary>The tombstones that delete a group's metadata (not its offsets), in Kafka's order.</summary>
    private static List<CoordinatorRecord> GroupTombstones(Group? group, string groupId)
    {
        if (group is not ConsumerGroup consumer)
        {
            return [CoordinatorRecords.GroupMetadataTombstone(groupId)];
        }

        var records = new List<CoordinatorRecord>();
        foreach (var memberId in consumer.Members.Keys)
        {
            records.Add(CoordinatorRecords.ConsumerGroupCurrentAssignmentTombstone(groupId, memberId));
            records.Add(CoordinatorRecords.ConsumerGroupTargetAssignmentTombstone(groupId, memberId));
            records.Add(CoordinatorRecords.ConsumerGroupMemberSubscriptionTombstone(groupId, memberId));
        }

        records.Add(CoordinatorRecords.ConsumerGroupTargetAssignmentEpochTombstone(groupId));
        records.Add(CoordinatorRecords.ConsumerGroupSubscriptionMetadataTombstone(groupId));
        records.Add(CoordinatorRecords.ConsumerGroupEpochTombstone(groupId));
        return records;
    }
}
