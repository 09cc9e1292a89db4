namespace Samsa.Protocol.Primitives;

/// <summary>What a generated top-level type was generated from.</summary>
public enum ProtocolSchemaKind
{
    Request,
    Response,
    Header,
    Data,
    MetadataRecord,
}

/// <summary>
/// Marks a generated top-level type with its schema's name and version ranges, so tests and fuzzers
/// can find every message and drive it at every version.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ProtocolMessageAttribute(string name, ProtocolSchemaKind kind, short lowestVersion, short highestVersion) : Attribute
{
    public string Name { get; } = name;

    public ProtocolSchemaKind Kind { get; } = kind;

    public short LowestVersion { get; } = lowestVersion;

    public short HighestVersion { get; } = highestVersion;

    /// <summary>First version with compact encodings and tagged fields, or -1 if none is flexible.</summary>
    public short LowestFlexibleVersion { get; set; } = -1;

    /// <summary>The API key (requests and responses) or record type (metadata records), else -1.</summary>
    public short ApiKey { get; set; } = -1;

    public bool IsFlexible(short version) => LowestFlexibleVersion >= 0 && version >= LowestFlexibleVersion;
}

/// <summary>
/// Describes a generated property's schema field: the versions it is present in, nullable in and
/// tagged in (a range of -1..-1 means none), its tag, and whether it may be dropped silently.
/// </summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class ProtocolFieldAttribute(short lowestVersion, short highestVersion) : Attribute
{
    public short LowestVersion { get; } = lowestVersion;

    /// <summary>Highest version the field is in; <see cref="short.MaxValue"/> when open-ended.</summary>
    public short HighestVersion { get; } = highestVersion;

    public short LowestNullableVersion { get; set; } = -1;

    public short HighestNullableVersion { get; set; } = -1;

    /// <summary>First version in which the field is a tagged field (tagged ranges are open-ended), or -1.</summary>
    public short LowestTaggedVersion { get; set; } = -1;

    public int Tag { get; set; } = -1;

    public bool Ignorable { get; set; }

    /// <summary>The schema's default, as written in the schema (empty when the type's own default applies).</summary>
    public string Default { get; set; } = "";

    public bool IsPresent(short version) => version >= LowestVersion && version <= HighestVersion;

    public bool IsNullable(short version) => version >= LowestNullableVersion && version <= HighestNullableVersion;

    public bool IsTagged(short version) => LowestTaggedVersion >= 0 && version >= LowestTaggedVersion && IsPresent(version);
}
