using Samsa.Protocol.GroupCoordinatorRecords;
using Samsa.Protocol.Primitives;

namespace Samsa.GroupCoordinator.Records;

/// <summary>Decodes a <c>__consumer_offsets</c> record's key and value into the generated types.</summary>
internal static class CoordinatorRecordDecoder
{
    /// <summary>The record, or false for a type this coordinator does not keep (share groups, future types).</summary>
    /// <exception cref="ProtocolDecodeException">The key or value does not decode.</exception>
    public static bool TryDecode(byte[] key, byte[]? value, out CoordinatorRecord record)
    {
        record = default;
        var keyReader = new ProtocolReader(key);
        var type = keyReader.ReadInt16();
        IProtocolMessage? keyMessage = type switch
        {
            0 or 1 => OffsetCommitKey.Read(ref keyReader, type),
            2 => GroupMetadataKey.Read(ref keyReader, type),
            3 => ConsumerGroupMetadataKey.Read(ref keyReader, type),
            4 => ConsumerGroupPartitionMetadataKey.Read(ref keyReader, type),
            5 => ConsumerGroupMemberMetadataKey.Read(ref keyReader, type),
            6 => ConsumerGroupTargetAssignmentMetadataKey.Read(ref keyReader, type),
            7 => ConsumerGroupTargetAssignmentMemberKey.Read(ref keyReader, type),
            8 => ConsumerGroupCurrentMemberAssignmentKey.Read(ref keyReader, type),
            _ => null,
        };
        if (keyMessage is null)
        {
            return false;
        }

        var recordType = type == 0 ? CoordinatorRecordType.OffsetCommit : (CoordinatorRecordType)type;
        if (value is null)
        {
            record = new CoordinatorRecord(recordType, keyMessage, null, 0);
            return true;
        }

        var valueReader = new ProtocolReader(value);
        var version = valueReader.ReadInt16();
        IProtocolMessage valueMessage = type switch
        {
            0 or 1 => OffsetCommitValue.Read(ref valueReader, version),
            2 => GroupMetadataValue.Read(ref valueReader, version),
            3 => ConsumerGroupMetadataValue.Read(ref valueReader, version),
            4 => ConsumerGroupPartitionMetadataValue.Read(ref valueReader, version),
            5 => ConsumerGroupMemberMetadataValue.Read(ref valueReader, version),
            6 => ConsumerGroupTargetAssignmentMetadataValue.Read(ref valueReader, version),
            7 => ConsumerGroupTargetAssignmentMemberValue.Read(ref valueReader, version),
            _ => ConsumerGroupCurrentMemberAssignmentValue.Read(ref valueReader, version),
        };
        record = new CoordinatorRecord(recordType, keyMessage, valueMessage, version);
        return true;
    }
}
