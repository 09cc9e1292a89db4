namespace Samsa.Protocol.Primitives;

/// <summary>
/// A tagged field that the schema of the decoding version does not know. Decoders keep it, and
/// encoders write it back in tag order, so fields added by newer peers survive a pass through Samsa.
/// </summary>
public readonly struct RawTaggedField : IEquatable<RawTaggedField>
{
    public RawTaggedField(int tag, ReadOnlyMemory<byte> data)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tag);
        Tag = tag;
        Data = data;
    }

    public int Tag { get; }

    /// <summary>The field's encoded value, without the tag and size prefix.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    public bool Equals(RawTaggedField other) => Tag == other.Tag && Data.Span.SequenceEqual(other.Data.Span);

    public override bool Equals(object? obj) => obj is RawTaggedField other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Tag, Data.Length);

    public static bool operator ==(RawTaggedField left, RawTaggedField right) => left.Equals(right);

    public static bool operator !=(RawTaggedField left, RawTaggedField right) => !left.Equals(right);
}
