using System.Text;
using Samsa.Cli.Common;
using Samsa.Client.Configuration;
using Samsa.Client.Producer;
using Samsa.Protocol.Records;

namespace Samsa.Cli.ProduceConsume;

/// <summary>Sends one record per line of a reader; the first delivery error fails the run after the rest are flushed.</summary>
internal static class LineProducer
{
    public static async Task<int> RunAsync(ProducerConfig config, string topic, LineFormat format, TextReader input, CancellationToken ct)
    {
        var handler = new DeliveryFailures();
        var sent = 0L;
        await using (var producer = new KafkaProducer(config))
        {
            while (await input.ReadLineAsync(ct) is { } line)
            {
                var (key, value, headers) = Split(line, format);
                await producer.Produce(topic, key, value, headers, format.Partition, null, handler, ct);
                sent++;
            }

            await producer.FlushAsync(ct);
        }

        handler.ThrowIfAny(sent);
        return 0;
    }

    public static (byte[]? Key, byte[] Value, IReadOnlyList<RecordHeader> Headers) Split(string line, LineFormat format)
    {
        var headers = format.FixedHeaders;
        if (format.ParseHeaders)
        {
            var cut = line.IndexOf(format.HeadersSeparator, StringComparison.Ordinal);
            if (cut < 0)
            {
                throw new CliException($"no headers separator in line '{Shorten(line)}'; lines must start with k:v,k:v then the separator");
            }

            headers = [.. format.FixedHeaders, .. ParseHeaders(line[..cut])];
            line = line[(cut + format.HeadersSeparator.Length)..];
        }

        if (format.KeySeparator is not { } separator)
        {
            return (null, Encoding.UTF8.GetBytes(line), headers);
        }

        var at = line.IndexOf(separator, StringComparison.Ordinal);
        return at < 0
            ? throw new CliException($"no key separator in line '{Shorten(line)}'; lines must be key{Visible(separator)}value")
            : (Encoding.UTF8.GetBytes(line[..at]), Encoding.UTF8.GetBytes(line[(at + separator.Length)..]), headers);
    }

    private static IEnumerable<RecordHeader> ParseHeaders(string text)
    {
        foreach (var pair in text.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = pair.IndexOf(':', StringComparison.Ordinal);
            yield return colon < 0
                ? new RecordHeader(pair, null)
                : new RecordHeader(pair[..colon], Encoding.UTF8.GetBytes(pair[(colon + 1)..]));
        }
    }

    private static string Shorten(string line) => line.Length <= 40 ? line : line[..40] + "...";

    private static string Visible(string separator) => separator == "\t" ? "<tab>" : separator;
}
