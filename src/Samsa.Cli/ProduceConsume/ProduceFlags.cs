using System.CommandLine;
using System.Text;
using Samsa.Cli.Common;
using Samsa.Client.Configuration;
using Samsa.Protocol.Records;

namespace Samsa.Cli.ProduceConsume;

/// <summary>How lines become records: key and header parsing, fixed headers, the target partition.</summary>
internal sealed record LineFormat(string? KeySeparator, bool ParseHeaders, string HeadersSeparator, IReadOnlyList<RecordHeader> FixedHeaders, int? Partition);

/// <summary>The options of <c>produce</c>.</summary>
internal sealed class ProduceFlags
{
    public Option<string?> File { get; } = new("--file", "-f") { Description = "Read lines from this file instead of standard input" };

    private readonly Option<string?> _keySeparator = new("--key-separator", "-K") { Description = "Each line is key<separator>value" };
    private readonly Option<string[]> _headers = new("--header", "-H") { Description = "A header on every record, key=value; repeatable", Arity = ArgumentArity.ZeroOrMore };
    private readonly Option<bool> _parseHeaders = new("--parse-headers") { Description = "Each line starts with k:v,k:v headers, then the headers separator" };
    private readonly Option<string> _headersSeparator = new("--headers-separator") { Description = "Separator after the headers (default tab)", DefaultValueFactory = _ => "\t" };
    private readonly Option<string?> _acks = new("--acks") { Description = "all (default), 1 or 0" };
    private readonly Option<string?> _compression = new("--compression") { Description = "none, gzip, snappy, lz4 or zstd" };
    private readonly Option<int?> _partition = new("--partition", "-p") { Description = "Write every record to this partition" };
    private readonly Option<string[]> _properties = new("--producer-property", "-X") { Description = "A producer setting, key=value (Kafka's names); repeatable", Arity = ArgumentArity.ZeroOrMore };

    public void AddTo(Command command)
    {
        foreach (var option in (Option[])[File, _keySeparator, _headers, _parseHeaders, _headersSeparator, _acks, _compression, _partition, _properties])
        {
            command.Options.Add(option);
        }
    }

    public LineFormat Apply(ParseResult parse, ProducerConfig config)
    {
        config.LingerMs = 5;
        config.Apply(KeyValues.Parse(parse.GetValue(_properties), "--producer-property"));
        if (parse.GetValue(_acks) is { } acks)
        {
            config.Set("acks", acks);
        }

        if (parse.GetValue(_compression) is { } compression)
        {
            config.Set("compression.type", compression);
        }

        var headers = KeyValues.Parse(parse.GetValue(_headers), "--header")
            .Select(h => new RecordHeader(h.Key, Encoding.UTF8.GetBytes(h.Value))).ToList();
        return new LineFormat(
            Unescape(parse.GetValue(_keySeparator)), parse.GetValue(_parseHeaders), Unescape(parse.GetValue(_headersSeparator))!, headers, parse.GetValue(_partition));
    }

    /// <summary>Shells pass "\t" as two characters; a separator means the tab.</summary>
    public static string? Unescape(string? text) => text?.Replace("\\t", "\t", StringComparison.Ordinal).Replace("\\n", "\n", StringComparison.Ordinal);
}
