using System.CommandLine;
using Samsa.Cli.Common;
using Samsa.Client.Configuration;

namespace Samsa.Cli.Compat;

/// <summary>
/// <c>kafka-consumer-perf-test.sh</c>: Kafka's flags, header and CSV rows (<see cref="KafkaConsumerPerfRun"/>).
/// </summary>
internal static class KafkaConsumerPerfTool
{
    public static Command Create()
    {
        var (command, options) = ClientOptions.Command("kafka-consumer-perf-test", "kafka-consumer-perf-test.sh", withOutput: false);
        var brokerList = new Option<string?>("--broker-list") { Description = "Old name of --bootstrap-server" };
        var topic = new Option<string?>("--topic") { Description = "Topic (or --include)" };
        var include = new Option<string?>("--include") { Description = "Regular expression: read every topic whose name matches (matched when the tool starts)" };
        var messages = new Option<long>("--messages") { Description = "Records to read", Required = true };
        var group = new Option<string?>("--group") { Description = "Consumer group (without one the partitions are assigned, not subscribed)" };
        var timeout = new Option<long>("--timeout") { Description = "Max ms between records", DefaultValueFactory = _ => 10_000 };
        var fetchSize = new Option<int?>("--fetch-size") { Description = "max.partition.fetch.bytes" };
        var fromLatest = KafkaTools.Flag("from-latest", "Without a committed offset, start at the log end instead of the log start");
        var socketBuffer = new Option<int?>("--socket-buffer-size") { Description = "receive.buffer.bytes (default: the OS's autotuned size; Kafka's is 2 MiB)" };
        var hideHeader = KafkaTools.Flag("hide-header", "No header line");
        var file = new Option<string?>("--consumer.config") { Description = "Consumer settings file" };
        var details = KafkaTools.Flag("show-detailed-stats", "A CSV row per --reporting-interval instead of the summary row");
        var interval = new Option<long>("--reporting-interval") { Description = "Ms between --show-detailed-stats rows", DefaultValueFactory = _ => 5_000 };
        var dateFormat = new Option<string>("--date-format") { Description = "java.text.SimpleDateFormat pattern of the time fields", DefaultValueFactory = _ => "yyyy-MM-dd HH:mm:ss:SSS" };
        var metrics = KafkaTools.Flag("print-metrics", "Print the consumer's measured totals and rates at the end, in Kafka's metrics layout");
        var threads = new Option<int?>("--threads") { Description = "Deprecated and ignored, as in Kafka" };
        var fetchThreads = new Option<int?>("--num-fetch-threads") { Description = "Deprecated and ignored, as in Kafka" };
        foreach (var option in (Option[])[brokerList, topic, include, messages, group, timeout, fetchSize, fromLatest, socketBuffer, hideHeader, file, details, interval, dateFormat, metrics, threads, fetchThreads])
        {
            command.Options.Add(option);
        }

        Run.Action(command, async (parse, ct) =>
        {
            if ((parse.GetValue(topic) is null) == (parse.GetValue(include) is null))
            {
                throw CliException.Usage("exactly one of --topic and --include is required");
            }

            if (parse.GetValue(interval) <= 0)
            {
                throw CliException.Usage("Reporting interval must be greater than 0.");
            }

            var config = options.Config<ConsumerConfig>(parse);
            var admin = options.Config<AdminClientConfig>(parse);
            if (parse.GetValue(brokerList) is { } brokers)
            {
                config.BootstrapServers = admin.BootstrapServers = brokers;
            }

            config.ClientId = "perf-consumer-client";
            config.Apply(KafkaProperties.File(parse.GetValue(file), "--consumer.config"));
            config.MaxPartitionFetchBytes = parse.GetValue(fetchSize) ?? config.MaxPartitionFetchBytes;
            config.ReceiveBufferBytes = parse.GetValue(socketBuffer) ?? config.ReceiveBufferBytes;
            config.AutoOffsetReset = parse.GetValue(fromLatest) ? AutoOffsetReset.Latest : AutoOffsetReset.Earliest;
            var groupId = parse.GetValue(group) ?? (string.IsNullOrEmpty(config.GroupId) ? null : config.GroupId);
            config.GroupId = groupId;

            var plan = new ConsumerPerfPlan(
                parse.GetValue(topic) is { } name ? [name] : null, parse.GetValue(include), parse.GetValue(messages), groupId, parse.GetValue(fromLatest),
                parse.GetValue(timeout), parse.GetValue(interval), parse.GetValue(details), new KafkaDateFormat(parse.GetValue(dateFormat)!), parse.GetValue(hideHeader), parse.GetValue(metrics));
            await KafkaConsumerPerfRun.RunAsync(config, admin, plan, ct);
            return 0;
        });
        return command;
    }
}
