using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Samsa.Protocol.Primitives;

/// <summary>
/// Kafka's 128-bit UUID (topic IDs, directory IDs), sent as two big-endian longs and printed as
/// URL-safe base64 without padding, as Kafka prints it.
/// </summary>
public readonly record struct Uuid(long MostSignificantBits, long LeastSignificantBits)
{
    public static readonly Uuid Zero;

    /// <summary>Kafka reserves this value to mean "the metadata log" (KRaft).</summary>
    public static readonly Uuid MetadataTopicId = new(0, 1);

    public bool IsZero => MostSignificantBits == 0 && LeastSignificantBits == 0;

    /// <summary>A random version-4 UUID that is neither zero nor one of Kafka's reserved values, nor starts with '-' when printed.</summary>
    public static Uuid Random()
    {
        Span<byte> bytes = stackalloc byte[16];
        while (true)
        {
            RandomNumberGenerator.Fill(bytes);
            bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40);
            bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
            var id = Read(bytes);
            if (id != Zero && id != MetadataTopicId && !id.ToString().StartsWith('-'))
            {
                return id;
            }
        }
    }

    public static Uuid Read(ReadOnlySpan<byte> bytes) =>
        new(BinaryPrimitives.ReadInt64BigEndian(bytes), BinaryPrimitives.ReadInt64BigEndian(bytes[8..]));

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteInt64BigEndian(destination, MostSignificantBits);
        BinaryPrimitives.WriteInt64BigEndian(destination[8..], LeastSignificantBits);
    }

    public static Uuid Parse(string text)
    {
        if (!TryParse(text, out var id))
        {
            throw new FormatException($"'{text}' is not a Kafka UUID (22 characters of URL-safe base64)");
        }

        return id;
    }

    public static bool TryParse(string? text, out Uuid id)
    {
        id = Zero;
        if (text is null || text.Length != 22)
        {
            return false;
        }

        var base64 = text.Replace('-', '+').Replace('_', '/') + "==";
        Span<byte> bytes = stackalloc byte[16];
        if (!Convert.TryFromBase64String(base64, bytes, out var written) || written != 16)
        {
            return false;
        }

        id = Read(bytes);
        return true;
    }

    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[16];
        Write(bytes);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
