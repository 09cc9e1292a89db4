namespace Samsa.Protocol.Primitives;

/// <summary>
/// A record set held in memory: on decoding, a slice of the received frame (never copied); on
/// encoding, appended by reference. Equality compares the bytes.
/// </summary>
public sealed class MemoryRecords : RecordsPayload, IEquatable<MemoryRecords>
{
    public static readonly MemoryRecords Empty = new(ReadOnlyMemory<byte>.Empty);

    public MemoryRecords(ReadOnlyMemory<byte> bytes)
    {
        Bytes = bytes;
    }

    public ReadOnlyMemory<byte> Bytes { get; }

    public override int Length => Bytes.Length;

    public override void WriteTo(ProtocolWriter writer) => writer.AppendMemory(Bytes);

    public bool Equals(MemoryRecords? other) => other is not null && Bytes.Span.SequenceEqual(other.Bytes.Span);

    public override bool Equals(object? obj) => Equals(obj as MemoryRecords);

    public override int GetHashCode() => Bytes.Length;
}
