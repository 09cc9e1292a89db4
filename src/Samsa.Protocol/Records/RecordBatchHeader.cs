using System.Buffers.Binary;
using Samsa.Protocol.Hashing;

namespace Samsa.Protocol.Records;

/// <summary>
/// The fixed 61-byte header of a v2 record batch, read from and patched in raw bytes without
/// touching the records after it. This is what the hot paths (produce, fetch, log append and
/// recovery) look at; the records themselves stay opaque.
/// </summary>
public readonly struct RecordBatchHeader
{
    public const int BaseOffsetOffset = 0;
    public const int BatchLengthOffset = 8;
    public const int PartitionLeaderEpochOffset = 12;
    public const int MagicOffset = 16;
    public const int CrcOffset = 17;
    public const int AttributesOffset = 21;
    public const int LastOffsetDeltaOffset = 23;
    public const int BaseTimestampOffset = 27;
    public const int MaxTimestampOffset = 35;
    public const int ProducerIdOffset = 43;
    public const int ProducerEpochOffset = 51;
    public const int BaseSequenceOffset = 53;
    public const int RecordsCountOffset = 57;

    /// <summary>Size of the header, and the smallest valid batch.</summary>
    public const int Size = 61;

    /// <summary>Bytes before the part that <c>batchLength</c> counts (baseOffset and batchLength).</summary>
    public const int LogOverhead = 12;

    public const byte CurrentMagic = 2;

    public long BaseOffset { get; init; }
    public int BatchLength { get; init; }
    public int PartitionLeaderEpoch { get; init; }
    public byte Magic { get; init; }
    public uint Crc { get; init; }
    public RecordBatchAttributes Attributes { get; init; }
    public int LastOffsetDelta { get; init; }
    public long BaseTimestamp { get; init; }
    public long MaxTimestamp { get; init; }
    public long ProducerId { get; init; }
    public short ProducerEpoch { get; init; }
    public int BaseSequence { get; init; }
    public int RecordsCount { get; init; }

    /// <summary>Total bytes of the batch on the wire and on disk.</summary>
    public int TotalSize => BatchLength + LogOverhead;

    public long LastOffset => BaseOffset + LastOffsetDelta;

    public long NextOffset => LastOffset + 1;

    public CompressionType Compression => (CompressionType)((short)Attributes & (short)RecordBatchAttributes.CompressionMask);

    public bool IsTransactional => (Attributes & RecordBatchAttributes.Transactional) != 0;

    public bool IsControl => (Attributes & RecordBatchAttributes.Control) != 0;

    public bool IsLogAppendTime => (Attributes & RecordBatchAttributes.LogAppendTime) != 0;

    public bool HasDeleteHorizon => (Attributes & RecordBatchAttributes.HasDeleteHorizon) != 0;

    /// <summary>Reads the header fields; the caller checks <paramref name="batch"/> holds at least <see cref="Size"/> bytes.</summary>
    public static RecordBatchHeader Read(ReadOnlySpan<byte> batch)
    {
        if (batch.Length < Size)
        {
            throw new ArgumentException($"a record batch header needs {Size} bytes, got {batch.Length}", nameof(batch));
        }

        return new RecordBatchHeader
        {
            BaseOffset = BinaryPrimitives.ReadInt64BigEndian(batch),
            BatchLength = BinaryPrimitives.ReadInt32BigEndian(batch[BatchLengthOffset..]),
            PartitionLeaderEpoch = BinaryPrimitives.ReadInt32BigEndian(batch[PartitionLeaderEpochOffset..]),
            Magic = batch[MagicOffset],
            Crc = BinaryPrimitives.ReadUInt32BigEndian(batch[CrcOffset..]),
            Attributes = (RecordBatchAttributes)BinaryPrimitives.ReadInt16BigEndian(batch[AttributesOffset..]),
            LastOffsetDelta = BinaryPrimitives.ReadInt32BigEndian(batch[LastOffsetDeltaOffset..]),
            BaseTimestamp = BinaryPrimitives.ReadInt64BigEndian(batch[BaseTimestampOffset..]),
            MaxTimestamp = BinaryPrimitives.ReadInt64BigEndian(batch[MaxTimestampOffset..]),
            ProducerId = BinaryPrimitives.ReadInt64BigEndian(batch[ProducerIdOffset..]),
            ProducerEpoch = BinaryPrimitives.ReadInt16BigEndian(batch[ProducerEpochOffset..]),
            BaseSequence = BinaryPrimitives.ReadInt32BigEndian(batch[BaseSequenceOffset..]),
            RecordsCount = BinaryPrimitives.ReadInt32BigEndian(batch[RecordsCountOffset..]),
        };
    }

    /// <summary>The checksum the batch should carry: CRC-32C from the attributes to the end.</summary>
    public static uint ComputeCrc(ReadOnlySpan<byte> batch) => Crc32C.Compute(batch[AttributesOffset..]);

    public static bool IsCrcValid(ReadOnlySpan<byte> batch) =>
        batch.Length >= Size && BinaryPrimitives.ReadUInt32BigEndian(batch[CrcOffset..]) == ComputeCrc(batch);

    /// <summary>Base offset lies outside the CRC, so assigning offsets never re-checksums.</summary>
    public static void SetBaseOffset(Span<byte> batch, long baseOffset) =>
        BinaryPrimitives.WriteInt64BigEndian(batch, baseOffset);

    /// <summary>The leader epoch lies outside the CRC too.</summary>
    public static void SetPartitionLeaderEpoch(Span<byte> batch, int epoch) =>
        BinaryPrimitives.WriteInt32BigEndian(batch[PartitionLeaderEpochOffset..], epoch);

    /// <summary>
    /// Marks the batch LogAppendTime with the broker's clock as its max timestamp, and re-checksums
    /// (both fields are covered by the CRC).
    /// </summary>
    public static void SetLogAppendTime(Span<byte> batch, long timestampMs)
    {
        var attributes = BinaryPrimitives.ReadInt16BigEndian(batch[AttributesOffset..]);
        BinaryPrimitives.WriteInt16BigEndian(batch[AttributesOffset..], (short)(attributes | (short)RecordBatchAttributes.LogAppendTime));
        BinaryPrimitives.WriteInt64BigEndian(batch[MaxTimestampOffset..], timestampMs);
        WriteCrc(batch);
    }

    public static void WriteCrc(Span<byte> batch) =>
        BinaryPrimitives.WriteUInt32BigEndian(batch[CrcOffset..], ComputeCrc(batch));
}
