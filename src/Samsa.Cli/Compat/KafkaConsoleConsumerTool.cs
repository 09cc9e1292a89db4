using System.CommandLine;
using System.Globalization;
using Samsa.Cli.Common;
using Samsa.Client.Configuration;

namespace Samsa.Cli.Compat;

/// <summary>
/// <c>kafka-console-consumer.sh</c>: Kafka's flags and checks, records printed by Kafka's DefaultMessageFormatter
/// (<see cref="KafkaMessageFormatter"/>), the loop in <see cref="KafkaConsoleConsumerLoop"/>.
/// </summary>
internal static class KafkaConsoleConsumerTool
{
    public static Command Create()
    {
        var (command, options) = ClientOptions.Command("kafka-console-consumer", "kafka-console-consumer.sh", withOutput: false);
        var topic = new Option<string?>("--topic") { Description = "Topic (or --include)" };
        var include = new Option<string?>("--include", "--whitelist") { Description = "Regular expression: consume every topic whose name matches (matched when the tool starts); --whitelist is Kafka 3's deprecated name" };
        var fromBeginning = KafkaTools.Flag("from-beginning", "Without a committed offset, start at the log start");
        var group = new Option<string?>("--group") { Description = "Consumer group" };
        var partition = new Option<int?>("--partition") { Description = "Only this partition of --topic" };
        var offset = new Option<string?>("--offset") { Description = "With --partition: a non-negative number, earliest or latest (default)" };
        var maxMessages = new Option<long?>("--max-messages") { Description = "Stop after this many" };
        var timeout = new Option<long?>("--timeout-ms") { Description = "Stop when no record came for this long" };
        var properties = new Option<string[]>("--property", "--formatter-property") { Description = "Formatter setting: print.timestamp, print.key, print.offset, print.partition, print.headers, print.value, key.separator, line.separator, headers.separator, null.literal, key.deserializer, value.deserializer, headers.deserializer", Arity = ArgumentArity.ZeroOrMore };
        var formatterConfig = new Option<string?>("--formatter-config") { Description = "Formatter settings file (--property wins)" };
        var formatter = new Option<string>("--formatter") { Description = "Formatter class: " + string.Join(", ", KafkaMessageFormatter.DefaultClassNames.Concat(KafkaMessageFormatter.NoOpClassNames)), DefaultValueFactory = _ => KafkaMessageFormatter.DefaultClassNames[0] };
        var keyDeserializer = new Option<string?>("--key-deserializer") { Description = "Key deserializer class (String, ByteArray, Bytes, Integer, Long, Short, UUID)" };
        var valueDeserializer = new Option<string?>("--value-deserializer") { Description = "Value deserializer class (as --key-deserializer)" };
        var consumerProperties = new Option<string[]>("--consumer-property", "--command-property") { Description = "Consumer settings", Arity = ArgumentArity.ZeroOrMore };
        var consumerConfig = new Option<string?>("--consumer.config") { Description = "Consumer settings file (--consumer-property wins)" };
        var isolation = new Option<string?>("--isolation-level") { Description = "read_uncommitted (default) or read_committed" };
        var skipOnError = KafkaTools.Flag("skip-message-on-error", "Skip a record the formatter cannot print instead of stopping");
        var systest = KafkaTools.Flag("enable-systest-events", "Print shutdown_complete when the consumer has stopped");
        foreach (var option in (Option[])[topic, include, fromBeginning, group, partition, offset, maxMessages, timeout, properties, formatterConfig, formatter, keyDeserializer, valueDeserializer, consumerProperties, consumerConfig, isolation, skipOnError, systest])
        {
            command.Options.Add(option);
        }

        Run.Action(command, async (parse, ct) =>
        {
            var formatterSettings = KafkaProperties.File(parse.GetValue(formatterConfig), "--formatter-config");
            AddIfGiven(formatterSettings, "key.deserializer", parse.GetValue(keyDeserializer));
            AddIfGiven(formatterSettings, "value.deserializer", parse.GetValue(valueDeserializer));
            var printer = new KafkaMessageFormatter(parse.GetValue(formatter)!, KafkaProperties.Merge(formatterSettings, KafkaProperties.Parse(parse.GetValue(properties), "--property")));
            var file = KafkaProperties.File(parse.GetValue(consumerConfig), "--consumer.config");
            var extra = KafkaProperties.Parse(parse.GetValue(consumerProperties), "--consumer-property");
            var plan = Plan(parse.GetValue(topic), parse.GetValue(include), GroupOf(parse.GetValue(group), file, extra), parse.GetValue(partition), parse.GetValue(offset), parse.GetValue(fromBeginning)) with
            {
                MaxMessages = parse.GetValue(maxMessages),
                TimeoutMs = parse.GetValue(timeout) is >= 0 and var ms ? ms : null,
                SkipMessageOnError = parse.GetValue(skipOnError),
            };
            var settings = KafkaProperties.Merge(file, extra);
            ResolveOffsetReset(settings, plan.FromBeginning);
            AddIfGiven(settings, "isolation.level", parse.GetValue(isolation));
            settings.TryAdd("client.id", "console-consumer");
            settings.Remove("group.id");
            var config = options.Config<ConsumerConfig>(parse);
            config.Apply(settings);
            if (plan.Group is not null)
            {
                config.GroupId = plan.Group;
                config.EnableAutoCommit = false;
            }

            await KafkaConsoleConsumerLoop.RunAsync(config, options.Config<AdminClientConfig>(parse), plan, printer, ct);
            if (parse.GetValue(systest))
            {
                await System.Console.Out.WriteLineAsync("shutdown_complete");
            }

            return 0;
        });
        return command;
    }

    /// <summary>Kafka's checks of which start flags go together.</summary>
    private static ConsoleConsumerPlan Plan(string? topic, string? include, string? group, int? partition, string? offset, bool fromBeginning)
    {
        if ((topic is null) == (include is null))
        {
            throw CliException.Usage("exactly one of --topic and --include is required");
        }

        if (partition is not null && topic is null)
        {
            throw CliException.Usage("The topic is required when partition is specified.");
        }

        if (partition is not null && fromBeginning && offset is not null)
        {
            throw CliException.Usage("Options from-beginning and offset cannot be specified together.");
        }

        if (partition is null && offset is not null)
        {
            throw CliException.Usage("The partition is required when offset is specified.");
        }

        if (group is not null && partition is not null)
        {
            throw CliException.Usage("Options group and partition cannot be specified together.");
        }

        var start = offset?.ToLowerInvariant() ?? (fromBeginning ? "earliest" : "latest");
        if (start is not ("earliest" or "latest") && !long.TryParse(start, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            throw CliException.Usage($"--offset '{offset}' is not valid: give earliest, latest or a non-negative offset");
        }

        return new ConsoleConsumerPlan(topic is null ? null : [topic], include, group, partition, start, fromBeginning, null, null, false);
    }

    /// <summary>The group from --group, the settings file or --consumer-property: all that are given must agree.</summary>
    private static string? GroupOf(string? flag, Dictionary<string, string> file, Dictionary<string, string> extra)
    {
        var given = new[] { flag, file.GetValueOrDefault("group.id"), extra.GetValueOrDefault("group.id") }.OfType<string>().Distinct().ToList();
        return given.Count <= 1 ? given.FirstOrDefault()
            : throw CliException.Usage($"--group, --consumer-property group.id and --consumer.config name different groups: {string.Join(", ", given.Select(g => $"'{g}'"))}");
    }

    /// <summary>auto.offset.reset: the setting if given (and not contradicting --from-beginning), else from --from-beginning.</summary>
    private static void ResolveOffsetReset(Dictionary<string, string> settings, bool fromBeginning)
    {
        if (settings.TryGetValue("auto.offset.reset", out var reset) && fromBeginning && reset != "earliest")
        {
            throw new CliException($"Can't simultaneously specify --from-beginning and 'auto.offset.reset={reset}', please remove one option");
        }

        settings.TryAdd("auto.offset.reset", fromBeginning ? "earliest" : "latest");
    }

    private static void AddIfGiven(Dictionary<string, string> settings, string key, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            settings[key] = value;
        }
    }
}
