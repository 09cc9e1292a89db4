using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Samsa.Cli.Common;

namespace Samsa.Cli.Compat;

/// <summary>A deserializer that failed on a record's bytes, as Kafka's SerializationException.</summary>
internal sealed class DeserializationException(string message) : Exception(message);

/// <summary>
/// The Kafka deserializer classes the console consumer's formatter can honour, each turning bytes into the text
/// Kafka prints (its <c>toString()</c>). ByteArray and Bytes print the raw bytes.
/// </summary>
internal static class KafkaDeserializers
{
    private const string Package = "org.apache.kafka.common.serialization.";

    private static readonly Dictionary<string, Func<byte[], byte[]>> ByName = new(StringComparer.Ordinal)
    {
        ["StringDeserializer"] = bytes => bytes,
        ["ByteArrayDeserializer"] = bytes => bytes,
        ["BytesDeserializer"] = bytes => bytes,
        ["IntegerDeserializer"] = bytes => Text(BinaryPrimitives.ReadInt32BigEndian(Sized(bytes, 4, "IntegerDeserializer"))),
        ["LongDeserializer"] = bytes => Text(BinaryPrimitives.ReadInt64BigEndian(Sized(bytes, 8, "LongDeserializer"))),
        ["ShortDeserializer"] = bytes => Text(BinaryPrimitives.ReadInt16BigEndian(Sized(bytes, 2, "ShortDeserializer"))),
        ["UUIDDeserializer"] = Uuid,
    };

    /// <summary>The deserializer a class name stands for; a usage error naming the supported ones otherwise.</summary>
    public static Func<byte[], byte[]> Find(string className, string flag)
    {
        var name = className.Trim();
        return name.StartsWith(Package, StringComparison.Ordinal) && ByName.TryGetValue(name[Package.Length..], out var found)
            ? found
            : throw CliException.Usage($"{flag} {name}: not available in Samsa; use one of {string.Join(", ", ByName.Keys.Select(k => Package + k))}");
    }

    private static byte[] Sized(byte[] bytes, int size, string name) =>
        bytes.Length == size ? bytes : throw new DeserializationException($"Size of data received by {name} is not {size}");

    private static byte[] Text(long value) => Encoding.UTF8.GetBytes(value.ToString(CultureInfo.InvariantCulture));

    private static byte[] Uuid(byte[] bytes) =>
        Guid.TryParse(Encoding.UTF8.GetString(bytes), out var guid)
            ? Encoding.UTF8.GetBytes(guid.ToString("D"))
            : throw new DeserializationException("Error parsing data into UUID");
}
