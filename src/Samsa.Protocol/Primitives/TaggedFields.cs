using System.Text;

namespace Samsa.Protocol.Primitives;

/// <summary>Encoding helpers for tagged-field sections, used by generated code.</summary>
internal static class TaggedFields
{
    public static int Count(List<RawTaggedField>? unknown) => unknown?.Count ?? 0;

    public static int SizeOfUnsignedVarInt(uint value)
    {
        var size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }

        return size;
    }

    /// <summary>
    /// Writes the unknown fields from <paramref name="next"/> on whose tags are below <paramref name="tagLimit"/>,
    /// so that together with the known fields the section comes out in tag order.
    /// </summary>
    public static void WriteUnknownBelow(ProtocolWriter writer, List<RawTaggedField>? unknown, ref int next, int tagLimit)
    {
        if (unknown is null)
        {
            return;
        }

        while (next < unknown.Count && unknown[next].Tag < tagLimit)
        {
            var field = unknown[next++];
            writer.WriteUnsignedVarInt((uint)field.Tag);
            writer.WriteUnsignedVarInt((uint)field.Data.Length);
            writer.WriteRaw(field.Data.Span);
        }
    }

    /// <summary>A tagged-field section holding only unknown fields (the struct has no known tagged fields).</summary>
    public static void WriteUnknownOnly(ProtocolWriter writer, List<RawTaggedField>? unknown)
    {
        writer.WriteUnsignedVarInt((uint)Count(unknown));
        var next = 0;
        WriteUnknownBelow(writer, unknown, ref next, int.MaxValue);
    }

    public static void WriteHeader(ProtocolWriter writer, int tag, int size)
    {
        writer.WriteUnsignedVarInt((uint)tag);
        writer.WriteUnsignedVarInt((uint)size);
    }

    /// <summary>A tagged compact string (null as length 0).</summary>
    public static void WriteString(ProtocolWriter writer, int tag, string? value)
    {
        if (value is null)
        {
            WriteHeader(writer, tag, 1);
            writer.WriteUnsignedVarInt(0);
            return;
        }

        var length = Encoding.UTF8.GetByteCount(value);
        WriteHeader(writer, tag, SizeOfUnsignedVarInt((uint)length + 1) + length);
        writer.WriteCompactString(value);
    }

    /// <summary>Tagged compact bytes (null as length 0).</summary>
    public static void WriteBytes(ProtocolWriter writer, int tag, byte[]? value)
    {
        if (value is null)
        {
            WriteHeader(writer, tag, 1);
            writer.WriteUnsignedVarInt(0);
            return;
        }

        WriteHeader(writer, tag, SizeOfUnsignedVarInt((uint)value.Length + 1) + value.Length);
        writer.WriteCompactBytes(value);
    }

    /// <summary>A tagged value (a struct or an array) that was first encoded into <paramref name="value"/> to learn its size.</summary>
    public static void WriteBuffered(ProtocolWriter writer, int tag, ProtocolWriter value)
    {
        WriteHeader(writer, tag, checked((int)value.Length));
        var chunks = value.GetChunks();
        for (var i = 0; i < chunks.Count; i++) // foreach over the interface would box an enumerator per tagged value
        {
            var chunk = chunks[i];
            if (chunk.IsFileRegion)
            {
                throw new InvalidOperationException("a tagged field cannot reference a file region");
            }

            writer.WriteRaw(chunk.Memory.Span);
        }
    }
}
