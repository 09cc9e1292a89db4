namespace Samsa.Protocol.Records;

/// <summary>
/// A record key, value or header value: bytes, or null. Kafka distinguishes a null key (no key, length -1) from an
/// empty one (length 0), and a span cannot say which it is, hence this type. Arrays and spans convert implicitly;
/// a null array converts to <see cref="Null"/>.
/// </summary>
public readonly ref struct NullableBytes
{
    public NullableBytes(ReadOnlySpan<byte> bytes)
    {
        Span = bytes;
        IsNull = false;
    }

    private NullableBytes(bool isNull)
    {
        Span = default;
        IsNull = isNull;
    }

    public static NullableBytes Null => new(isNull: true);

    /// <summary>The bytes; empty when <see cref="IsNull"/>.</summary>
    public ReadOnlySpan<byte> Span { get; }

    public bool IsNull { get; }

    /// <summary>The length as the wire encodes it: -1 for null.</summary>
    public int Length => IsNull ? -1 : Span.Length;

    public static implicit operator NullableBytes(ReadOnlySpan<byte> bytes) => new(bytes);

    public static implicit operator NullableBytes(byte[]? bytes) => FromArray(bytes);

    public static NullableBytes FromReadOnlySpan(ReadOnlySpan<byte> bytes) => new(bytes);

    public static NullableBytes FromArray(byte[]? bytes) => bytes is null ? Null : new(bytes);

    /// <summary>A copy, or null (allocates: for tests and cold paths).</summary>
    public byte[]? ToArray() => IsNull ? null : Span.ToArray();
}
