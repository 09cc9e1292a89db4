using System.CommandLine;
using System.Text;
using Samsa.Cli.Common;
using Samsa.Cli.ProduceConsume;
using Samsa.Client.Configuration;
using Samsa.Client.Producer;

namespace Samsa.Cli.Compat;

/// <summary>
/// <c>kafka-console-producer.sh</c>: one record per standard input line through Kafka's LineMessageReader
/// (<see cref="KafkaLineReader"/>), with Kafka's producer flags and their defaults (linger.ms 1000,
/// request.timeout.ms 1500, retries 3, ...), each applied unless a producer property file or flag sets the key.
/// </summary>
internal static class KafkaConsoleProducerTool
{
    /// <summary>Kafka's flags that set one producer property, with the value Kafka uses when neither flag nor property gives one.</summary>
    private static readonly (string Flag, string Key, string? Default, string Description)[] ProducerFlags =
    [
        ("request-required-acks", "acks", "-1", "The acks of the producer requests (default -1)"),
        ("timeout", "linger.ms", "1000", "linger.ms: how long a record may wait for a fuller batch, ms (default 1000)"),
        ("request-timeout-ms", "request.timeout.ms", "1500", "request.timeout.ms (default 1500)"),
        ("message-send-max-retries", "retries", "3", "retries (default 3)"),
        ("retry-backoff-ms", "retry.backoff.ms", "100", "retry.backoff.ms (default 100)"),
        ("socket-buffer-size", "send.buffer.bytes", null, "send.buffer.bytes (default: the OS's autotuned size; Kafka's is 102400)"),
        ("max-memory-bytes", "buffer.memory", "33554432", "buffer.memory (default 33554432)"),
        ("batch-size", "batch.size", "16384", "batch.size (default 16384; --max-partition-memory-bytes wins)"),
        ("max-partition-memory-bytes", "batch.size", null, "batch.size"),
        ("metadata-expiry-ms", "metadata.max.age.ms", "300000", "metadata.max.age.ms (default 300000)"),
        ("max-block-ms", "max.block.ms", "60000", "max.block.ms (default 60000)"),
    ];

    public static Command Create()
    {
        var (command, options) = ClientOptions.Command("kafka-console-producer", "kafka-console-producer.sh", withOutput: false);
        var topic = new Option<string>("--topic") { Description = "Topic", Required = true };
        var brokerList = new Option<string?>("--broker-list") { Description = "Deprecated name of --bootstrap-server; ignored when --bootstrap-server is given" };
        var properties = new Option<string[]>("--property", "--reader-property") { Description = "Line reader setting: parse.key, key.separator, parse.headers, headers.delimiter, headers.separator, headers.key.separator, ignore.error, null.marker", Arity = ArgumentArity.ZeroOrMore };
        var readerConfig = new Option<string?>("--reader-config") { Description = "Line reader settings file (--property wins)" };
        var lineReader = new Option<string?>("--line-reader") { Description = "Reader class: only Kafka's default, " + KafkaLineReader.ClassNames[0] };
        var producerProperties = new Option<string[]>("--producer-property", "--command-property") { Description = "Producer settings", Arity = ArgumentArity.ZeroOrMore };
        var producerConfig = new Option<string?>("--producer.config") { Description = "Producer settings file (--producer-property wins)" };
        var compression = new Option<string?>("--compression-codec") { Description = "none, gzip (without a value), snappy, lz4, zstd", Arity = ArgumentArity.ZeroOrOne };
        var sync = KafkaTools.Flag("sync", "Send each record and wait for its acknowledgement before reading the next line");
        var flags = ProducerFlags.Select(f => (f.Flag, f.Key, f.Default, Option: new Option<string?>("--" + f.Flag) { Description = f.Description })).ToList();
        foreach (var option in (Option[])[topic, brokerList, properties, readerConfig, lineReader, producerProperties, producerConfig, compression, sync, .. flags.Select(f => f.Option)])
        {
            command.Options.Add(option);
        }

        Run.Action(command, async (parse, ct) =>
        {
            if (parse.GetValue(lineReader) is { } readerClass && !KafkaLineReader.ClassNames.Contains(readerClass))
            {
                throw CliException.Usage($"--line-reader {readerClass}: only Kafka's default reader ({string.Join(", ", KafkaLineReader.ClassNames)}) exists in Samsa; configure it with --property");
            }

            var topicName = parse.GetValue(topic)!;
            var reader = new KafkaLineReader(KafkaProperties.Merge(
                KafkaProperties.File(parse.GetValue(readerConfig), "--reader-config"), KafkaProperties.Parse(parse.GetValue(properties), "--property")));
            var settings = KafkaProperties.Merge(
                KafkaProperties.File(parse.GetValue(producerConfig), "--producer.config"), KafkaProperties.Parse(parse.GetValue(producerProperties), "--producer-property"));
            foreach (var (flag, key, fallback, option) in flags)
            {
                if (parse.GetValue(option) is { } value)
                {
                    settings[key] = value;
                }
                else if (fallback is not null)
                {
                    settings.TryAdd(key, fallback);
                }
            }

            if (parse.GetValue(sync) && parse.GetValue(flags[1].Option) is null)
            {
                // Each line waits for its acknowledgement: lingering would only add linger.ms to every line.
                settings["linger.ms"] = "0";
            }

            settings.TryAdd("client.id", "console-producer");
            if (parse.GetResult(compression) is not null)
            {
                settings["compression.type"] = parse.GetValue(compression) is { Length: > 0 } codec ? codec : "gzip";
            }

            var config = options.Config<ProducerConfig>(parse);
            if (parse.GetResult(options.Bootstrap) is null or { Implicit: true } && parse.GetValue(brokerList) is { } brokers)
            {
                config.BootstrapServers = brokers;
            }

            config.Apply(settings);
            return await SendLinesAsync(config, topicName, reader, parse.GetValue(sync), ct);
        });
        return command;
    }

    private static async Task<int> SendLinesAsync(ProducerConfig config, string topic, KafkaLineReader reader, bool sync, CancellationToken ct)
    {
        var failures = new DeliveryFailures();
        var sent = 0L;
        using var input = new StreamReader(System.Console.OpenStandardInput(), Encoding.UTF8);
        await using (var producer = new KafkaProducer(config))
        {
            try
            {
                for (var lineNumber = 1; await NextLineAsync(input, ct) is { } line; lineNumber++)
                {
                    var record = reader.Read(line, lineNumber);
                    if (sync)
                    {
                        await producer.ProduceAsync(topic, record.Key, record.Value, record.Headers, ct: ct);
                    }
                    else
                    {
                        await producer.Produce(topic, record.Key, record.Value, record.Headers, handler: failures, ct: ct);
                    }

                    sent++;
                }
            }
            finally
            {
                await producer.FlushAsync(ct);
            }
        }

        failures.ThrowIfAny(sent);
        return 0;
    }

    /// <summary>The next line; Kafka's reader prompts with '>' when a person types the input.</summary>
    private static async Task<string?> NextLineAsync(StreamReader input, CancellationToken ct)
    {
        if (!System.Console.IsInputRedirected)
        {
            await System.Console.Out.WriteAsync('>');
            await System.Console.Out.FlushAsync(ct);
        }

        return await input.ReadLineAsync(ct);
    }
}
