using System.Buffers.Binary;
using Samsa.Protocol.Errors;

namespace Samsa.Protocol.Records;

/// <summary>The type in a control record's key. Kafka's transaction markers are 0 and 1; 2-6 belong to the KRaft log.</summary>
public enum ControlRecordType : short
{
    /// <summary>A control type this code does not know; Kafka's clients skip such records.</summary>
    Unknown = -1,
    Abort = 0,
    Commit = 1,
    LeaderChange = 2,
    SnapshotHeader = 3,
    SnapshotFooter = 4,
    KRaftVersion = 5,
    KRaftVoters = 6,
}

/// <summary>
/// The key of a control record (a record in a batch with the control attribute): version int16, then type int16.
/// </summary>
public static class ControlRecordKey
{
    public const short CurrentVersion = 0;

    /// <summary>Size of the key this code writes.</summary>
    public const int Size = 4;

    public static void Write(Span<byte> destination, ControlRecordType type)
    {
        if (type == ControlRecordType.Unknown)
        {
            throw new ArgumentException("an unknown control type cannot be written", nameof(type));
        }

        BinaryPrimitives.WriteInt16BigEndian(destination, CurrentVersion);
        BinaryPrimitives.WriteInt16BigEndian(destination[2..], (short)type);
    }

    /// <summary>
    /// The type named by a control record key. A newer key version is read as version 0 (later versions may only
    /// add fields); a negative version or a key too short for its fields is an invalid record.
    /// </summary>
    public static ControlRecordType ReadType(NullableBytes key)
    {
        if (key.IsNull || key.Span.Length < Size)
        {
            throw new KafkaErrorException(ErrorCode.InvalidRecord, $"control record key of {key.Length} bytes is too short");
        }

        var version = BinaryPrimitives.ReadInt16BigEndian(key.Span);
        if (version < 0)
        {
            throw new KafkaErrorException(ErrorCode.InvalidRecord, $"control record key has invalid version {version}");
        }

        var type = BinaryPrimitives.ReadInt16BigEndian(key.Span[2..]);
        return type is >= (short)ControlRecordType.Abort and <= (short)ControlRecordType.KRaftVoters
            ? (ControlRecordType)type
            : ControlRecordType.Unknown;
    }
}

/// <summary>
/// A transaction marker: the single control record of the batch that commits or aborts a producer's transaction on
/// a partition. Value: version int16 (0) then the coordinator epoch int32.
/// </summary>
public readonly record struct EndTransactionMarker
{
    public const short CurrentVersion = 0;

    /// <summary>Size of the value this code writes.</summary>
    public const int ValueSize = 6;

    public EndTransactionMarker(ControlRecordType type, int coordinatorEpoch)
    {
        if (type is not (ControlRecordType.Commit or ControlRecordType.Abort))
        {
            throw new ArgumentException($"{type} is not a transaction marker type", nameof(type));
        }

        Type = type;
        CoordinatorEpoch = coordinatorEpoch;
    }

    public ControlRecordType Type { get; }

    public int CoordinatorEpoch { get; }

    public bool IsCommit => Type == ControlRecordType.Commit;

    public static EndTransactionMarker Commit(int coordinatorEpoch) => new(ControlRecordType.Commit, coordinatorEpoch);

    public static EndTransactionMarker Abort(int coordinatorEpoch) => new(ControlRecordType.Abort, coordinatorEpoch);

    public void WriteKey(Span<byte> destination) => ControlRecordKey.Write(destination, Type);

    public void WriteValue(Span<byte> destination)
    {
        BinaryPrimitives.WriteInt16BigEndian(destination, CurrentVersion);
        BinaryPrimitives.WriteInt32BigEndian(destination[2..], CoordinatorEpoch);
    }

    /// <summary>Whether a control record is a transaction marker (rather than another control type).</summary>
    public static bool IsMarker(RecordView record)
    {
        var type = ControlRecordKey.ReadType(record.Key);
        return type is ControlRecordType.Commit or ControlRecordType.Abort;
    }

    /// <summary>Reads the marker from a control record; throws <see cref="KafkaErrorException"/> (INVALID_RECORD) if it is not a valid one.</summary>
    public static EndTransactionMarker Read(RecordView record)
    {
        var type = ControlRecordKey.ReadType(record.Key);
        if (type is not (ControlRecordType.Commit or ControlRecordType.Abort))
        {
            throw new KafkaErrorException(ErrorCode.InvalidRecord, $"control record of type {type} is not a transaction marker");
        }

        var value = record.Value;
        if (value.IsNull || value.Span.Length < ValueSize)
        {
            throw new KafkaErrorException(
                ErrorCode.InvalidRecord,
                $"transaction marker value of {value.Length} bytes is shorter than {ValueSize}");
        }

        var version = BinaryPrimitives.ReadInt16BigEndian(value.Span);
        if (version < 0)
        {
            throw new KafkaErrorException(ErrorCode.InvalidRecord, $"transaction marker has invalid version {version}");
        }

        return new EndTransactionMarker(type, BinaryPrimitives.ReadInt32BigEndian(value.Span[2..]));
    }
}
