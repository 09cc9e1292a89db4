using Samsa.Protocol.Primitives;

namespace Samsa.GroupCoordinator.Consumer.Assignors;

/// <summary>A member as the assignor sees it: what it subscribes to (existing topics only).</summary>
internal readonly record struct AssignmentMember(string MemberId, IReadOnlySet<Uuid> Topics);

/// <summary>The input of a server-side assignment.</summary>
/// <param name="Members">The members, ordered by member id.</param>
/// <param name="PartitionCounts">Partition counts of the subscribed topics.</param>
/// <param name="CurrentTarget">The previous target assignment, for stickiness.</param>
internal sealed record AssignmentSpec(
    IReadOnlyList<AssignmentMember> Members,
    IReadOnlyDictionary<Uuid, int> PartitionCounts,
    IReadOnlyDictionary<string, TopicPartitionSet> CurrentTarget);

/// <summary>A server-side partition assignor of KIP-848 groups (<c>group.consumer.assignors</c>).</summary>
internal interface IConsumerGroupAssignor
{
    string Name { get; }

    /// <summary>A target assignment for every member of the spec (members without partitions get an empty set).</summary>
    Dictionary<string, TopicPartitionSet> Assign(AssignmentSpec spec);
}
