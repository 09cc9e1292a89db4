using System.Globalization;
using System.Text;
using Samsa.Client.Consumer;

namespace Samsa.Cli.ProduceConsume;

/// <summary>
/// A consume output template: text with {topic}, {partition}, {offset}, {timestamp}, {timestamptype}, {key}, {value} and {headers};
/// \t and \n are a tab and a newline. Compiled once, applied per record.
/// </summary>
internal sealed class RecordTemplate
{
    private static readonly string[] Fields = ["topic", "partition", "offset", "timestamp", "key", "value", "headers", "timestamptype"];
    private readonly List<(string? Literal, string? Field)> _parts = [];

    public RecordTemplate(string template)
    {
        var text = template.Replace("\\t", "\t", StringComparison.Ordinal).Replace("\\n", "\n", StringComparison.Ordinal);
        var literal = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            var close = text[i] == '{' ? text.IndexOf('}', i) : -1;
            if (close > i && Fields.Contains(text[(i + 1)..close]))
            {
                Flush(literal);
                _parts.Add((null, text[(i + 1)..close]));
                i = close;
            }
            else
            {
                literal.Append(text[i]);
            }
        }

        Flush(literal);
    }

    public const string Default = "{value}";

    public void Append(StringBuilder output, ConsumerRecord record)
    {
        foreach (var (literal, field) in _parts)
        {
            switch (field)
            {
                case null: output.Append(literal); break;
                case "topic": output.Append(record.Topic); break;
                case "partition": output.Append(record.Partition.ToString(CultureInfo.InvariantCulture)); break;
                case "offset": output.Append(record.Offset.ToString(CultureInfo.InvariantCulture)); break;
                case "timestamp": output.Append(record.Timestamp.ToString(CultureInfo.InvariantCulture)); break;
                case "key": output.Append(Text(record.Key)); break;
                case "value": output.Append(Text(record.Value)); break;
                case "timestamptype": output.Append(record.TimestampType == Samsa.Protocol.Records.TimestampType.LogAppendTime ? "LogAppendTime" : "CreateTime"); break;
                default: AppendHeaders(output, record); break;
            }
        }

        output.Append('\n');
    }

    private static void AppendHeaders(StringBuilder output, ConsumerRecord record)
    {
        if (record.Headers.Count == 0)
        {
            output.Append("NO_HEADERS");
            return;
        }

        for (var i = 0; i < record.Headers.Count; i++)
        {
            output.Append(i == 0 ? string.Empty : ",").Append(record.Headers[i].Key).Append(':').Append(Text(record.Headers[i].Value));
        }
    }

    private static string Text(byte[]? bytes) => bytes is null ? "null" : Encoding.UTF8.GetString(bytes);

    private void Flush(StringBuilder literal)
    {
        if (literal.Length > 0)
        {
            _parts.Add((literal.ToString(), null));
            literal.Clear();
        }
    }
}
