using System.CommandLine;
using Samsa.Cli.Common;
using Samsa.Client.Configuration;

namespace Samsa.Cli.Perf;

/// <summary>
/// <c>samsa perf produce TOPIC (--records N | --duration S) [--record-size B] [--throughput R] [--acks A]
/// [--compression C] [--batch-size B] [--linger-ms L]</c>.
/// </summary>
internal static class PerfProduceCommand
{
    public static Command Create()
    {
        var (command, options) = ClientOptions.Command("produce", "Producer load test: records/s, MB/s, latency percentiles");
        var topic = new Argument<string>("topic") { Description = "Topic to write to" };
        var records = new Option<long?>("--records", "-n") { Description = "Records to send" };
        var duration = new Option<double?>("--duration") { Description = "Seconds to send for (instead of --records)" };
        var size = new Option<int>("--record-size", "-s") { Description = "Value bytes per record", DefaultValueFactory = _ => 100 };
        var throughput = new Option<double>("--throughput") { Description = "Target records/s; -1 for as fast as possible", DefaultValueFactory = _ => -1 };
        var acks = new Option<string>("--acks") { Description = "all, 1 or 0", DefaultValueFactory = _ => "all" };
        var compression = new Option<string>("--compression") { Description = "none, gzip, snappy, lz4 or zstd", DefaultValueFactory = _ => "none" };
        var batch = new Option<int?>("--batch-size") { Description = "batch.size in bytes" };
        var linger = new Option<int?>("--linger-ms") { Description = "linger.ms" };
        var properties = new Option<string[]>("--producer-property", "-X") { Description = "A producer setting, key=value; repeatable", Arity = ArgumentArity.ZeroOrMore };
        command.Arguments.Add(topic);
        foreach (var option in (Option[])[records, duration, size, throughput, acks, compression, batch, linger, properties])
        {
            command.Options.Add(option);
        }

        Run.Action(command, async (parse, ct) =>
        {
            var config = options.Config<ProducerConfig>(parse);
            config.Set("acks", parse.GetValue(acks)!);
            config.Set("compression.type", parse.GetValue(compression)!);
            config.BatchSize = parse.GetValue(batch) ?? config.BatchSize;
            config.LingerMs = parse.GetValue(linger) ?? config.LingerMs;
            config.Apply(KeyValues.Parse(parse.GetValue(properties), "--producer-property"));
            var settings = new ProducePerfSettings(
                parse.GetValue(topic)!, parse.GetValue(records), Seconds(parse.GetValue(duration)), parse.GetValue(size), parse.GetValue(throughput));
            var result = await ProducerLoad.RunAsync(config, Validate(settings), ct);
            result.Print(options.Format(parse));
            return 0;
        });
        return command;
    }

    public static TimeSpan? Seconds(double? seconds) => seconds is { } s ? TimeSpan.FromSeconds(s) : null;

    public static ProducePerfSettings Validate(ProducePerfSettings settings)
    {
        if (settings.Records is null == settings.Duration is null)
        {
            throw CliException.Usage("give --records N or --duration SECONDS (one of them)");
        }

        if (settings.Records <= 0 || settings.Duration <= TimeSpan.Zero || settings.RecordSize < 0)
        {
            throw CliException.Usage("--records, --duration must be positive and --record-size not negative");
        }

        return settings;
    }
}
