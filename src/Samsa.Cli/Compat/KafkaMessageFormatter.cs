using System.Globalization;
using System.Text;
using Samsa.Cli.Common;
using Samsa.Client.Consumer;
using Samsa.Protocol.Records;

namespace Samsa.Cli.Compat;

/// <summary>
/// Kafka's DefaultMessageFormatter: the printed fields in the order timestamp, partition, offset, headers, key,
/// value, joined by key.separator and ended by line.separator; a null key, value or header value prints as
/// null.literal (then passes through the deserializer, as in Kafka). NoOpMessageFormatter prints nothing.
/// </summary>
internal sealed class KafkaMessageFormatter
{
    public static readonly string[] DefaultClassNames = ["org.apache.kafka.tools.consumer.DefaultMessageFormatter", "kafka.tools.DefaultMessageFormatter"];

    public static readonly string[] NoOpClassNames = ["org.apache.kafka.tools.consumer.NoOpMessageFormatter", "kafka.tools.NoOpMessageFormatter"];

    private readonly bool _silent;
    private readonly bool _printTimestamp;
    private readonly bool _printPartition;
    private readonly bool _printOffset;
    private readonly bool _printHeaders;
    private readonly bool _printKey;
    private readonly bool _printValue;
    private readonly byte[] _keySeparator;
    private readonly byte[] _lineSeparator;
    private readonly byte[] _headersSeparator;
    private readonly byte[] _nullLiteral;
    private readonly Func<byte[], byte[]> _key;
    private readonly Func<byte[], byte[]> _value;
    private readonly Func<byte[], byte[]> _header;

    public KafkaMessageFormatter(string className, IReadOnlyDictionary<string, string> properties)
    {
        _silent = NoOpClassNames.Contains(className);
        if (!_silent && !DefaultClassNames.Contains(className))
        {
            throw CliException.Usage($"--formatter {className}: not available in Samsa; use {string.Join(", ", DefaultClassNames.Concat(NoOpClassNames))}");
        }

        bool On(string key, bool fallback = false) => KafkaProperties.IsTrue(properties, key, fallback);
        byte[] Bytes(string key, string fallback) => Encoding.UTF8.GetBytes(properties.TryGetValue(key, out var v) ? KafkaProperties.Unescape(v) : fallback);
        Func<byte[], byte[]> Deserializer(string key) => properties.TryGetValue(key, out var name) ? KafkaDeserializers.Find(name, key) : b => b;
        (_printTimestamp, _printPartition, _printOffset) = (On("print.timestamp"), On("print.partition"), On("print.offset"));
        (_printHeaders, _printKey, _printValue) = (On("print.headers"), On("print.key"), On("print.value", fallback: true));
        (_keySeparator, _lineSeparator) = (Bytes("key.separator", "\t"), Bytes("line.separator", "\n"));
        (_headersSeparator, _nullLiteral) = (Bytes("headers.separator", ","), Bytes("null.literal", "null"));
        (_key, _value, _header) = (Deserializer("key.deserializer"), Deserializer("value.deserializer"), Deserializer("headers.deserializer"));
    }

    /// <summary>Appends the record to <paramref name="output"/>; a deserializer's failure throws before anything is appended.</summary>
    public void Write(ConsumerRecord record, MemoryStream output)
    {
        if (_silent)
        {
            return;
        }

        var fields = new List<byte[]>(6);
        if (_printTimestamp)
        {
            fields.Add(Ascii($"{(record.TimestampType == TimestampType.LogAppendTime ? "LogAppendTime" : "CreateTime")}:{record.Timestamp}"));
        }

        if (_printPartition)
        {
            fields.Add(Ascii($"Partition:{record.Partition}"));
        }

        if (_printOffset)
        {
            fields.Add(Ascii($"Offset:{record.Offset}"));
        }

        if (_printHeaders)
        {
            fields.Add(Headers(record));
        }

        if (_printKey)
        {
            fields.Add(_key(record.Key ?? _nullLiteral));
        }

        if (_printValue)
        {
            fields.Add(_value(record.Value ?? _nullLiteral));
        }

        for (var i = 0; i < fields.Count; i++)
        {
            output.Write(fields[i]);
            output.Write(i < fields.Count - 1 ? _keySeparator : _lineSeparator);
        }
    }

    private byte[] Headers(ConsumerRecord record)
    {
        if (record.Headers.Count == 0)
        {
            return "NO_HEADERS"u8.ToArray();
        }

        using var text = new MemoryStream();
        for (var i = 0; i < record.Headers.Count; i++)
        {
            text.Write(i == 0 ? [] : _headersSeparator);
            text.Write(Encoding.UTF8.GetBytes(record.Headers[i].Key + ":"));
            text.Write(_header(record.Headers[i].Value ?? _nullLiteral));
        }

        return text.ToArray();
    }

    private static byte[] Ascii(FormattableString text) => Encoding.UTF8.GetBytes(text.ToString(CultureInfo.InvariantCulture));
}
