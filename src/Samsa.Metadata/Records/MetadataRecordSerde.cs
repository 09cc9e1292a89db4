using Samsa.Protocol.MetadataRecords;
using Samsa.Protocol.Primitives;

namespace Samsa.Metadata.Records;

/// <summary>A metadata log entry that cannot be decoded: the log is damaged or was written by something newer.</summary>
public sealed class MetadataParseException : Exception
{
    public MetadataParseException()
    {
    }

    public MetadataParseException(string message)
        : base(message)
    {
    }

    public MetadataParseException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>
/// The value of a record in <c>__cluster_metadata</c>, as Kafka frames it (its <c>AbstractApiMessageSerde</c>):
/// unsigned varint frame version (1), unsigned varint record type (the schema's apiKey), unsigned varint record
/// version, then the record encoded at that version. The record's key is null.
/// </summary>
public static class MetadataRecordSerde
{
    public const int FrameVersion = 1;

    public static byte[] Serialize(MetadataRecordAndVersion entry)
    {
        using var writer = new ProtocolWriter();
        Write(writer, entry);
        return writer.ToArray();
    }

    public static void Write(ProtocolWriter writer, MetadataRecordAndVersion entry)
    {
        writer.WriteUnsignedVarInt(FrameVersion);
        writer.WriteUnsignedVarInt((uint)(ushort)entry.Record.RecordType);
        writer.WriteUnsignedVarInt((uint)(ushort)entry.Version);
        entry.Record.Write(writer, entry.Version);
    }

    /// <exception cref="MetadataParseException">The value is not a whole, known record.</exception>
    public static MetadataRecordAndVersion Deserialize(ReadOnlyMemory<byte> value)
    {
        var reader = new ProtocolReader(value);
        try
        {
            var frame = ReadShort(ref reader, "frame version");
            if (frame != FrameVersion)
            {
                throw new MetadataParseException(frame == 0
                    ? "metadata record with frame version 0 (Kafka 2.8's KRaft preview) cannot be read"
                    : $"metadata record with unknown frame version {frame} (only {FrameVersion} is known)");
            }

            var type = (MetadataRecordType)ReadShort(ref reader, "record type");
            var version = ReadShort(ref reader, "record version");
            var record = MetadataRecordFactory.Read(type, version, ref reader);
            if (!reader.IsAtEnd)
            {
                throw new MetadataParseException($"{reader.Remaining} byte(s) after a {type} record");
            }

            return new MetadataRecordAndVersion(record, version);
        }
        catch (ProtocolDecodeException e)
        {
            throw new MetadataParseException($"undecodable metadata record: {e.Message}", e);
        }
    }

    private static short ReadShort(ref ProtocolReader reader, string what)
    {
        var value = reader.ReadUnsignedVarInt();
        return value <= (uint)short.MaxValue ? (short)value : throw new MetadataParseException($"{what} {value} is too large");
    }
}
