using System.CommandLine;
using System.Text;
using Samsa.Cli.Common;
using Samsa.Cli.ProduceConsume;
using Samsa.Client.Configuration;

namespace Samsa.Cli.Compat;

/// <summary>
/// <c>kafka-console-producer.sh</c>: --topic, --property parse.key/key.separator/parse.headers/headers.delimiter,
/// --producer-property, --producer.config, --request-required-acks, --compression-codec, --sync.
/// </summary>
internal static class KafkaConsoleProducerTool
{
    public static Command Create()
    {
        var (command, options) = ClientOptions.Command("kafka-console-producer", "kafka-console-producer.sh", withOutput: false);
        var topic = new Option<string>("--topic") { Description = "Topic", Required = true };
        var properties = new Option<string[]>("--property", "--reader-property") { Description = "Line reader settings: parse.key, key.separator, parse.headers, headers.delimiter", Arity = ArgumentArity.ZeroOrMore };
        var producerProperties = new Option<string[]>("--producer-property") { Description = "Producer settings", Arity = ArgumentArity.ZeroOrMore };
        var producerConfig = new Option<string?>("--producer.config") { Description = "Producer settings file" };
        var acks = new Option<string?>("--request-required-acks") { Description = "acks" };
        var compression = new Option<string?>("--compression-codec") { Description = "none, gzip, snappy, lz4, zstd" };
        var sync = KafkaTools.Flag("sync", "Send each record on its own (linger.ms=0)");
        foreach (var option in (Option[])[topic, properties, producerProperties, producerConfig, acks, compression, sync])
        {
            command.Options.Add(option);
        }

        Run.Action(command, async (parse, ct) =>
        {
            var config = options.Config<ProducerConfig>(parse);
            if (parse.GetValue(producerConfig) is { } file)
            {
                config.LoadFile(file);
            }

            config.Apply(KeyValues.Parse(parse.GetValue(producerProperties), "--producer-property"));
            config.Set("acks", parse.GetValue(acks) ?? config.Acks.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (parse.GetValue(compression) is { } codec)
            {
                config.Set("compression.type", codec);
            }

            config.LingerMs = parse.GetValue(sync) ? 0 : config.LingerMs;
            var reader = KeyValues.Parse(parse.GetValue(properties), "--property");
            var format = new LineFormat(
                reader.GetValueOrDefault("parse.key") == "true" ? ProduceFlags.Unescape(reader.GetValueOrDefault("key.separator", "\t")) : null,
                reader.GetValueOrDefault("parse.headers") == "true",
                ProduceFlags.Unescape(reader.GetValueOrDefault("headers.delimiter", "\t"))!,
                [],
                null);
            using var input = new StreamReader(System.Console.OpenStandardInput(), Encoding.UTF8);
            return await LineProducer.RunAsync(config, parse.GetValue(topic)!, format, input, ct);
        });
        return command;
    }
}
