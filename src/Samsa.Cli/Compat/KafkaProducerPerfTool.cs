using System.CommandLine;
using Samsa.Cli.Common;
using Samsa.Cli.Perf;
using Samsa.Client.Configuration;

namespace Samsa.Cli.Compat;

/// <summary><c>kafka-producer-perf-test.sh</c>: --topic, --num-records, --record-size, --throughput, --producer-props, --producer.config.</summary>
internal static class KafkaProducerPerfTool
{
    public static Command Create()
    {
        var (command, options) = ClientOptions.Command("kafka-producer-perf-test", "kafka-producer-perf-test.sh", withOutput: false);
        var topic = new Option<string>("--topic") { Description = "Topic", Required = true };
        var records = new Option<long>("--num-records") { Description = "Records to send", Required = true };
        var size = new Option<int>("--record-size") { Description = "Bytes per record", Required = true };
        var throughput = new Option<double>("--throughput") { Description = "Records/s, -1 for no limit", Required = true };
        var props = new Option<string[]>("--producer-props") { Description = "key=value ...", Arity = ArgumentArity.ZeroOrMore, AllowMultipleArgumentsPerToken = true };
        var file = new Option<string?>("--producer.config") { Description = "Producer settings file" };
        var metrics = KafkaTools.Flag("print-metrics", "Accepted; this tool prints no client metrics");
        foreach (var option in (Option[])[topic, records, size, throughput, props, file, metrics])
        {
            command.Options.Add(option);
        }

        Run.Action(command, async (parse, ct) =>
        {
            var config = options.Config<ProducerConfig>(parse);
            if (parse.GetValue(file) is { } path)
            {
                config.LoadFile(path);
            }

            config.Apply(KeyValues.Parse(parse.GetValue(props), "--producer-props"));
            var settings = PerfProduceCommand.Validate(new ProducePerfSettings(parse.GetValue(topic)!, parse.GetValue(records), null, parse.GetValue(size), parse.GetValue(throughput)));
            var result = await ProducerLoad.RunAsync(config, settings, ct);
            System.Console.Out.WriteLine(result.KafkaSummaryLine());
            return 0;
        });
        return command;
    }
}
