using System.Text;
using System.Text.RegularExpressions;
using Samsa.Cli.Common;
using Samsa.Protocol.Records;

namespace Samsa.Cli.Compat;

/// <summary>One record read from a console producer line.</summary>
internal sealed record LineRecord(byte[]? Key, byte[]? Value, IReadOnlyList<RecordHeader> Headers);

/// <summary>
/// Kafka's LineMessageReader: a line is [headers headers.delimiter][key key.separator]value, the headers
/// k headers.key.separator v joined by headers.separator (a regular expression, as in Kafka). A missing separator
/// fails the line unless ignore.error=true; a field equal to null.marker becomes null.
/// </summary>
internal sealed class KafkaLineReader
{
    /// <summary>The reader class names Kafka's --line-reader accepts for its default reader.</summary>
    public static readonly string[] ClassNames = ["org.apache.kafka.tools.LineMessageReader", "kafka.tools.LineMessageReader", "kafka.tools.ConsoleProducer$LineMessageReader"];

    private readonly bool _parseKey;
    private readonly string _keySeparator;
    private readonly bool _parseHeaders;
    private readonly string _headersDelimiter;
    private readonly Regex _headersSeparator;
    private readonly string _headersKeySeparator;
    private readonly bool _ignoreError;
    private readonly string? _nullMarker;

    public KafkaLineReader(IReadOnlyDictionary<string, string> properties)
    {
        string Text(string key, string fallback) => properties.TryGetValue(key, out var v) ? KafkaProperties.Unescape(v) : fallback;
        _parseKey = KafkaProperties.IsTrue(properties, "parse.key", false);
        _keySeparator = Text("key.separator", "\t");
        _parseHeaders = KafkaProperties.IsTrue(properties, "parse.headers", false);
        _headersDelimiter = Text("headers.delimiter", "\t");
        var headersSeparator = Text("headers.separator", ",");
        _headersKeySeparator = Text("headers.key.separator", ":");
        _ignoreError = KafkaProperties.IsTrue(properties, "ignore.error", false);
        _nullMarker = properties.TryGetValue("null.marker", out var marker) ? marker : null;
        RequireDistinct(("headers.delimiter", _headersDelimiter), ("headers.separator", headersSeparator));
        RequireDistinct(("headers.delimiter", _headersDelimiter), ("headers.key.separator", _headersKeySeparator));
        RequireDistinct(("headers.separator", headersSeparator), ("headers.key.separator", _headersKeySeparator));
        foreach (var (name, value) in new[] { ("key.separator", _keySeparator), ("headers.separator", headersSeparator), ("headers.delimiter", _headersDelimiter), ("headers.key.separator", _headersKeySeparator) })
        {
            RequireDistinct(("null.marker", _nullMarker), (name, value));
        }

        _headersSeparator = ParsePattern(headersSeparator);
    }

    public LineRecord Read(string line, int lineNumber)
    {
        var headers = Field(_parseHeaders, line, 0, _headersDelimiter, "headers delimiter", lineNumber);
        var headerEnd = headers is null ? 0 : headers.Length + _headersDelimiter.Length;
        var key = Field(_parseKey, line, headerEnd, _keySeparator, "key separator", lineNumber);
        var keyEnd = key is null ? 0 : key.Length + _keySeparator.Length;
        var value = line[(headerEnd + keyEnd)..];
        return new LineRecord(
            key is null || key == _nullMarker ? null : Encoding.UTF8.GetBytes(key),
            value == _nullMarker ? null : Encoding.UTF8.GetBytes(value),
            headers is null || headers == _nullMarker ? [] : SplitHeaders(headers, lineNumber));
    }

    private string? Field(bool enabled, string line, int start, string separator, string name, int lineNumber)
    {
        if (!enabled)
        {
            return null;
        }

        var at = line.IndexOf(separator, start, StringComparison.Ordinal);
        return at >= 0 ? line[start..at]
            : _ignoreError ? null
            : throw new CliException($"No {name} found on line number {lineNumber}: '{line}'");
    }

    private List<RecordHeader> SplitHeaders(string headers, int lineNumber)
    {
        var result = new List<RecordHeader>();
        foreach (var pair in JavaSplit(headers))
        {
            var at = pair.IndexOf(_headersKeySeparator, StringComparison.Ordinal);
            if (at < 0)
            {
                result.Add(_ignoreError ? new RecordHeader(pair, null) : throw new CliException($"No header key separator found in pair '{pair}' on line number {lineNumber}"));
                continue;
            }

            var key = pair[..at];
            if (key == _nullMarker)
            {
                throw new CliException($"Header keys should not be equal to the null marker '{_nullMarker}' as they can't be null");
            }

            var value = pair[(at + _headersKeySeparator.Length)..];
            result.Add(new RecordHeader(key, value == _nullMarker ? null : Encoding.UTF8.GetBytes(value)));
        }

        return result;
    }

    /// <summary>Java's String.split: trailing empty pieces are dropped (an empty input stays one empty piece).</summary>
    private IEnumerable<string> JavaSplit(string text)
    {
        var pieces = _headersSeparator.Split(text);
        var count = pieces.Length;
        while (text.Length > 0 && count > 0 && pieces[count - 1].Length == 0)
        {
            count--;
        }

        return pieces.Take(count);
    }

    private static Regex ParsePattern(string pattern)
    {
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException e)
        {
            throw CliException.Usage($"headers.separator '{pattern}' is not a valid regular expression: {e.Message}");
        }
    }

    private static void RequireDistinct((string Name, string? Value) a, (string Name, string Value) b)
    {
        if (a.Value == b.Value)
        {
            throw CliException.Usage($"{a.Name} and {b.Name} may not be equal");
        }
    }
}
