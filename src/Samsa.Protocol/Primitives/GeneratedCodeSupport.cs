namespace Samsa.Protocol.Primitives;

/// <summary>Selects a generated type's private constructor that skips defaults, for decoders that assign every property.</summary>
internal readonly struct SkipDefaults
{
}

/// <summary>Encoding and error helpers shared by generated code, so each message stays short.</summary>
internal static class GeneratedCodeSupport
{
    public static void WriteRecords(ProtocolWriter writer, RecordsPayload? records, bool compact)
    {
        if (records is null)
        {
            if (compact)
            {
                writer.WriteUnsignedVarInt(0);
            }
            else
            {
                writer.WriteInt32(-1);
            }

            return;
        }

        if (compact)
        {
            writer.WriteUnsignedVarInt((uint)records.Length + 1);
        }
        else
        {
            writer.WriteInt32(records.Length);
        }

        records.WriteTo(writer);
    }

    public static UnsupportedVersionException UnsupportedVersion(string type, short version) =>
        new($"{type} has no version {version}");

    public static UnsupportedVersionException FieldNotInVersion(string type, string field, short version) =>
        new($"Attempted to write a non-default {type}.{field} at version {version}, which does not have that field");

    public static UnsupportedVersionException TaggedFieldsNotInVersion(string type, short version) =>
        new($"{type} has unknown tagged fields set, but version {version} has no tagged fields");

    public static InvalidOperationException NullField(string type, string field, short version) =>
        new($"{type}.{field} is null, but it is not nullable at version {version}");

    public static ProtocolDecodeException UnsupportedReadVersion(string type, short version) =>
        new($"{type} has no version {version}");

    public static ProtocolDecodeException NullInNonNullable(string type, string field) =>
        new($"null in the non-nullable field {type}.{field}");

    public static ProtocolDecodeException TagNotInVersion(string type, int tag, short version) =>
        new($"tag {tag} of {type} is not valid at version {version}");
}
