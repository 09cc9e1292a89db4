using Samsa.Protocol.Primitives;

namespace Samsa.GroupCoordinator.Consumer;

/// <summary>
/// A KIP-848 consumer group: the coordinator owns the assignment. The group epoch moves when membership or
/// subscriptions change; the target assignment is computed for a group epoch; each member reconciles its current
/// assignment towards its target, revoking before anything is handed to another member.
/// </summary>
internal sealed class ConsumerGroup : Group
{
    private readonly Dictionary<string, ConsumerGroupMember> _members = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _staticMembers = new(StringComparer.Ordinal);
    private readonly Dictionary<(Uuid TopicId, int Partition), int> _partitionEpochs = [];

    public ConsumerGroup(string groupId)
        : base(groupId)
    {
    }

    public override GroupType Type => GroupType.Consumer;

    public int GroupEpoch { get; set; }

    public int AssignmentEpoch { get; set; }

    public IReadOnlyDictionary<string, ConsumerGroupMember> Members => _members;

    /// <summary>The target assignment per member id.</summary>
    public Dictionary<string, TopicPartitionSet> TargetAssignment { get; } = new(StringComparer.Ordinal);

    /// <summary>The subscribed topics that exist, as last written (the assignor's input).</summary>
    public Dictionary<string, TopicInfo> SubscriptionMetadata { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The metadata image version the subscription metadata was computed from (-1: compute on the next heartbeat).</summary>
    public long MetadataVersionSeen { get; set; } = -1;

    public override string ProtocolTypeForListing => "consumer";

    public override bool IsEmpty => _members.Count == 0;

    public override string StateName
    {
        get
        {
            if (_members.Count == 0)
            {
                return "Empty";
            }

            if (GroupEpoch > AssignmentEpoch)
            {
                return "Assigning";
            }

            foreach (var member in _members.Values)
            {
                if (member.MemberEpoch != AssignmentEpoch || member.State != MemberState.Stable)
                {
                    return "Reconciling";
                }
            }

            return "Stable";
        }
    }

    public override bool IsSubscribedToTopic(string topic)
    {
        foreach (var member in _members.Values)
        {
            if (member.SubscribedTopicNames.Contains(topic) || member.RegexTopics.Contains(topic))
            {
                return true;
            }
        }

        return false;
    }

    public ConsumerGroupMember? Member(string memberId) => _members.GetValueOrDefault(memberId);

    public ConsumerGroupMember? StaticMember(string instanceId) =>
        _staticMembers.TryGetValue(instanceId, out var memberId) ? _members.GetValueOrDefault(memberId) : null;

    /// <summary>The epoch of the member owning a partition (assigned or pending revocation), or -1 if free.</summary>
    public int CurrentPartitionEpoch(Uuid topicId, int partition) => _partitionEpochs.GetValueOrDefault((topicId, partition), -1);

    public void PutMember(ConsumerGroupMember member)
    {
        if (_members.TryGetValue(member.MemberId, out var old))
        {
            RemovePartitionEpochs(old);
            if (old.InstanceId is not null && old.InstanceId != member.InstanceId)
            {
                _staticMembers.Remove(old.InstanceId);
            }
        }

        _members[member.MemberId] = member;
        if (member.InstanceId is not null)
        {
            _staticMembers[member.InstanceId] = member.MemberId;
        }

        AddPartitionEpochs(member);
    }

    /// <summary>Sets a member's current assignment, keeping the partition epochs in step.</summary>
    public void UpdateAssignment(ConsumerGroupMember member, int epoch, int previousEpoch, MemberState state, TopicPartitionSet assigned, TopicPartitionSet pendingRevocation)
    {
        RemovePartitionEpochs(member);
        member.MemberEpoch = epoch;
        member.PreviousMemberEpoch = previousEpoch;
        member.State = state;
        member.AssignedPartitions = assigned;
        member.PartitionsPendingRevocation = pendingRevocation;
        AddPartitionEpochs(member);
    }

    public void RemoveMember(string memberId)
    {
        if (_members.Remove(memberId, out var old))
        {
            RemovePartitionEpochs(old);
            if (old.InstanceId is not null && _staticMembers.TryGetValue(old.InstanceId, out var current) && current == memberId)
            {
                _staticMembers.Remove(old.InstanceId);
            }
        }
    }

    private void AddPartitionEpochs(ConsumerGroupMember member)
    {
        if (member.MemberEpoch == ConsumerGroupMember.LeaveGroupEpoch)
        {
            return;
        }

        foreach (var tp in member.AssignedPartitions.All())
        {
            _partitionEpochs[tp] = member.MemberEpoch;
        }

        foreach (var tp in member.PartitionsPendingRevocation.All())
        {
            _partitionEpochs[tp] = member.MemberEpoch;
        }
    }

    private void RemovePartitionEpochs(ConsumerGroupMember member)
    {
        foreach (var tp in member.AssignedPartitions.All())
        {
            _partitionEpochs.Remove(tp);
        }

        foreach (var tp in member.PartitionsPendingRevocation.All())
        {
            _partitionEpochs.Remove(tp);
        }
    }
}
