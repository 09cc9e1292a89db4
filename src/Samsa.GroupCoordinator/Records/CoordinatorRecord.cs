using Samsa.Protocol.Primitives;

namespace Samsa.GroupCoordinator.Records;

/// <summary>
/// The record types of <c>__consumer_offsets</c>: the key's version (its first int16) says which key and value
/// schemas follow, as in Kafka.
/// </summary>
internal enum CoordinatorRecordType : short
{
    OffsetCommitLegacy = 0,
    OffsetCommit = 1,
    GroupMetadata = 2,
    ConsumerGroupMetadata = 3,
    ConsumerGroupPartitionMetadata = 4,
    ConsumerGroupMemberMetadata = 5,
    ConsumerGroupTargetAssignmentMetadata = 6,
    ConsumerGroupTargetAssignmentMember = 7,
    ConsumerGroupCurrentMemberAssignment = 8,
}

/// <summary>One key/value pair for <c>__consumer_offsets</c>; a null value is a tombstone.</summary>
internal readonly record struct CoordinatorRecord(
    CoordinatorRecordType Type,
    IProtocolMessage Key,
    IProtocolMessage? Value,
    short ValueVersion)
{
    public bool IsTombstone => Value is null;
}
