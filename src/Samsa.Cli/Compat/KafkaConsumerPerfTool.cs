using System.CommandLine;
using System.Globalization;
using Samsa.Cli.Common;
using Samsa.Cli.Perf;
using Samsa.Client.Configuration;

namespace Samsa.Cli.Compat;

/// <summary><c>kafka-consumer-perf-test.sh</c>: --topic, --messages, --group, --timeout, --fetch-size, --hide-header; Kafka's CSV line.</summary>
internal static class KafkaConsumerPerfTool
{
    public static Command Create()
    {
        var (command, options) = ClientOptions.Command("kafka-consumer-perf-test", "kafka-consumer-perf-test.sh", withOutput: false);
        var brokerList = new Option<string?>("--broker-list") { Description = "Old name of --bootstrap-server" };
        var topic = new Option<string>("--topic") { Description = "Topic", Required = true };
        var messages = new Option<long>("--messages") { Description = "Records to read", Required = true };
        var group = new Option<string?>("--group") { Description = "Consumer group" };
        var timeout = new Option<int>("--timeout") { Description = "Max idle ms", DefaultValueFactory = _ => 10_000 };
        var fetchSize = new Option<int?>("--fetch-size") { Description = "max.partition.fetch.bytes" };
        var hideHeader = KafkaTools.Flag("hide-header", "No header line");
        var file = new Option<string?>("--consumer.config") { Description = "Consumer settings file" };
        var details = KafkaTools.Flag("show-detailed-stats", "Accepted; progress goes to standard error");
        foreach (var option in (Option[])[brokerList, topic, messages, group, timeout, fetchSize, hideHeader, file, details])
        {
            command.Options.Add(option);
        }

        Run.Action(command, async (parse, ct) =>
        {
            var config = options.Config<ConsumerConfig>(parse);
            var admin = options.Config<AdminClientConfig>(parse);
            if (parse.GetValue(brokerList) is { } brokers)
            {
                config.BootstrapServers = admin.BootstrapServers = brokers;
            }

            if (parse.GetValue(file) is { } path)
            {
                config.LoadFile(path);
            }

            config.AutoOffsetReset = AutoOffsetReset.Earliest;
            config.MaxPartitionFetchBytes = parse.GetValue(fetchSize) ?? config.MaxPartitionFetchBytes;
            var start = DateTime.Now;
            var result = await ConsumerLoad.RunAsync(config, admin, new ConsumePerfSettings(parse.GetValue(topic)!, parse.GetValue(messages), null, parse.GetValue(group), parse.GetValue(timeout)), ct);
            if (!parse.GetValue(hideHeader))
            {
                System.Console.Out.WriteLine("start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec");
            }

            System.Console.Out.WriteLine(Line(start, result));
            return 0;
        });
        return command;
    }

    private static string Line(DateTime start, PerfResult result)
    {
        const string Time = "yyyy-MM-dd HH:mm:ss:fff";
        var mb = result.Bytes / 1024.0 / 1024.0;
        var ms = (long)result.Elapsed.TotalMilliseconds;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{start.ToString(Time, CultureInfo.InvariantCulture)}, {start.Add(result.Elapsed).ToString(Time, CultureInfo.InvariantCulture)}, {mb:F4}, {result.MegabytesPerSecond:F4}, {result.Records}, {result.RecordsPerSecond:F4}, 0, {ms}, {result.MegabytesPerSecond:F4}, {result.RecordsPerSecond:F4}");
    }
}
