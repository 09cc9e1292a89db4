using Samsa.Protocol.Primitives;

namespace Samsa.GroupCoordinator.Consumer;

/// <summary>The next current assignment of a member, as the reconciliation of KIP-848 computes it.</summary>
internal readonly record struct ReconciledAssignment(
    int MemberEpoch,
    int PreviousMemberEpoch,
    MemberState State,
    TopicPartitionSet Assigned,
    TopicPartitionSet PendingRevocation);

/// <summary>
/// KIP-848's reconciliation: a member first gives up what its target no longer holds (staying at its epoch in
/// UNREVOKED_PARTITIONS until its heartbeat no longer reports them), then moves to the target epoch and takes the
/// new partitions that nobody else still owns (UNRELEASED_PARTITIONS while some are still held elsewhere).
/// </summary>
internal static class CurrentAssignmentBuilder
{
    public static ReconciledAssignment Build(
        ConsumerGroupMember member,
        int targetEpoch,
        TopicPartitionSet target,
        ISet<Uuid> subscribedTopicIds,
        Func<Uuid, int, int> currentPartitionEpoch,
        IReadOnlyList<(Uuid TopicId, IReadOnlyList<int> Partitions)>? ownedPartitions)
    {
        var current = new ReconciledAssignment(member.MemberEpoch, member.PreviousMemberEpoch, member.State, member.AssignedPartitions, member.PartitionsPendingRevocation);
        switch (member.State)
        {
            case MemberState.Stable:
                return member.MemberEpoch != targetEpoch
                    ? ComputeNext(member, member.MemberEpoch, targetEpoch, target, subscribedTopicIds, currentPartitionEpoch, ownedPartitions)
                    : current;
            case MemberState.UnrevokedPartitions:
                return OwnsAny(ownedPartitions, member.PartitionsPendingRevocation)
                    ? current
                    : ComputeNext(member, member.MemberEpoch, targetEpoch, target, subscribedTopicIds, currentPartitionEpoch, ownedPartitions);
            default:
                return ComputeNext(member, member.MemberEpoch, targetEpoch, target, subscribedTopicIds, currentPartitionEpoch, ownedPartitions);
        }
    }

    private static ReconciledAssignment ComputeNext(
        ConsumerGroupMember member,
        int memberEpoch,
        int targetEpoch,
        TopicPartitionSet target,
        ISet<Uuid> subscribedTopicIds,
        Func<Uuid, int, int> currentPartitionEpoch,
        IReadOnlyList<(Uuid TopicId, IReadOnlyList<int> Partitions)>? ownedPartitions)
    {
        var assigned = new TopicPartitionSet();
        var pendingRevocation = new TopicPartitionSet();
        var pendingAssignment = new TopicPartitionSet();
        var hasUnreleased = false;

        foreach (var (topicId, partition) in member.AssignedPartitions.All())
        {
            if (subscribedTopicIds.Contains(topicId) && target.Contains(topicId, partition))
            {
                assigned.Add(topicId, partition);
            }
            else
            {
                pendingRevocation.Add(topicId, partition);
            }
        }

        foreach (var (topicId, partition) in target.All())
        {
            if (!subscribedTopicIds.Contains(topicId) || assigned.Contains(topicId, partition))
            {
                continue;
            }

            var ownedElsewhere = currentPartitionEpoch(topicId, partition) != -1
                && !member.PartitionsPendingRevocation.Contains(topicId, partition)
                && !member.AssignedPartitions.Contains(topicId, partition);
            if (ownedElsewhere)
            {
                hasUnreleased = true;
            }
            else
            {
                pendingAssignment.Add(topicId, partition);
            }
        }

        if (!pendingRevocation.IsEmpty && OwnsAny(ownedPartitions, pendingRevocation))
        {
            return new ReconciledAssignment(memberEpoch, member.PreviousMemberEpoch, MemberState.UnrevokedPartitions, assigned, pendingRevocation);
        }

        foreach (var (topicId, partition) in pendingAssignment.All())
        {
            assigned.Add(topicId, partition);
        }

        var state = hasUnreleased ? MemberState.UnreleasedPartitions : MemberState.Stable;
        var previousEpoch = targetEpoch != memberEpoch ? memberEpoch : member.PreviousMemberEpoch;
        return new ReconciledAssignment(targetEpoch, previousEpoch, state, assigned, new TopicPartitionSet());
    }

    /// <summary>Whether the member still reports any of these partitions (unknown when it sent no list).</summary>
    private static bool OwnsAny(IReadOnlyList<(Uuid TopicId, IReadOnlyList<int> Partitions)>? owned, TopicPartitionSet partitions)
    {
        if (owned is null)
        {
            return true;
        }

        foreach (var (topicId, list) in owned)
        {
            foreach (var partition in list)
            {
                if (partitions.Contains(topicId, partition))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
