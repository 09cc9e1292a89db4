using System.CommandLine;
using System.Text;
using Samsa.Cli.Common;
using Samsa.Cli.ProduceConsume;
using Samsa.Client.Configuration;

namespace Samsa.Cli.Compat;

/// <summary>
/// <c>kafka-console-consumer.sh</c>: --topic, --from-beginning, --group, --partition, --offset, --max-messages,
/// --timeout-ms, --property print.*/key.separator, --consumer-property, --consumer.config; Kafka's line format.
/// </summary>
internal static class KafkaConsoleConsumerTool
{
    public static Command Create()
    {
        var (command, options) = ClientOptions.Command("kafka-console-consumer", "kafka-console-consumer.sh", withOutput: false);
        var topic = new Option<string>("--topic") { Description = "Topic", Required = true };
        var fromBeginning = KafkaTools.Flag("from-beginning", "Start at the log start");
        var group = new Option<string?>("--group") { Description = "Consumer group" };
        var partition = new Option<int?>("--partition") { Description = "Only this partition" };
        var offset = new Option<string?>("--offset") { Description = "A number, earliest or latest" };
        var maxMessages = new Option<long?>("--max-messages") { Description = "Stop after this many" };
        var timeout = new Option<int?>("--timeout-ms") { Description = "Stop when idle this long" };
        var properties = new Option<string[]>("--property", "--formatter-property") { Description = "print.key, print.value, print.timestamp, print.partition, print.offset, print.headers, key.separator", Arity = ArgumentArity.ZeroOrMore };
        var consumerProperties = new Option<string[]>("--consumer-property") { Description = "Consumer settings", Arity = ArgumentArity.ZeroOrMore };
        var consumerConfig = new Option<string?>("--consumer.config") { Description = "Consumer settings file" };
        foreach (var option in (Option[])[topic, fromBeginning, group, partition, offset, maxMessages, timeout, properties, consumerProperties, consumerConfig])
        {
            command.Options.Add(option);
        }

        Run.Action(command, async (parse, ct) =>
        {
            var config = options.Config<ConsumerConfig>(parse);
            if (parse.GetValue(consumerConfig) is { } file)
            {
                config.LoadFile(file);
            }

            var consumerSettings = KeyValues.Parse(parse.GetValue(consumerProperties), "--consumer-property");
            config.Apply(consumerSettings);
            var settings = new ConsumeSettings(
                parse.GetValue(topic)!, parse.GetValue(group) ?? consumerSettings.GetValueOrDefault("group.id"), parse.GetValue(partition), parse.GetValue(fromBeginning),
                parse.GetValue(offset), null, parse.GetValue(maxMessages), parse.GetValue(timeout), Template(KeyValues.Parse(parse.GetValue(properties), "--property")));
            var processed = await ConsoleConsumer.RunAsync(config, options.Config<AdminClientConfig>(parse), settings, System.Console.Out, ct);
            await System.Console.Error.WriteLineAsync($"Processed a total of {processed} messages");
            return 0;
        });
        return command;
    }

    /// <summary>Kafka's default formatter as a template: the printed fields in its order, separated by key.separator.</summary>
    public static RecordTemplate Template(IReadOnlyDictionary<string, string> properties)
    {
        bool On(string key, bool fallback = false) => properties.TryGetValue(key, out var v) ? v == "true" : fallback;
        var separator = properties.GetValueOrDefault("key.separator", "\t");
        var fields = new List<string>();
        if (On("print.timestamp"))
        {
            fields.Add("{timestamptype}:{timestamp}");
        }

        if (On("print.partition"))
        {
            fields.Add("Partition:{partition}");
        }

        if (On("print.offset"))
        {
            fields.Add("Offset:{offset}");
        }

        if (On("print.headers"))
        {
            fields.Add("{headers}");
        }

        if (On("print.key"))
        {
            fields.Add("{key}");
        }

        if (On("print.value", fallback: true))
        {
            fields.Add("{value}");
        }

        return new RecordTemplate(new StringBuilder().AppendJoin(separator, fields).ToString());
    }
}
