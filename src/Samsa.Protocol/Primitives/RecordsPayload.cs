namespace Samsa.Protocol.Primitives;

/// <summary>
/// The value of a <c>records</c> field: a record set that messages carry without decoding it. The
/// encoder writes the length prefix from <see cref="Length"/> and then lets the payload append itself,
/// so a subclass can reference memory or a region of a log segment instead of copying bytes.
/// </summary>
public abstract class RecordsPayload
{
    /// <summary>Size of the record set in bytes.</summary>
    public abstract int Length { get; }

    /// <summary>Appends exactly <see cref="Length"/> bytes to <paramref name="writer"/>.</summary>
    public abstract void WriteTo(ProtocolWriter writer);
}
