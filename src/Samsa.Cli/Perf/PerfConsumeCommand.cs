using System.CommandLine;
using Samsa.Cli.Common;
using Samsa.Client.Configuration;

namespace Samsa.Cli.Perf;

/// <summary><c>samsa perf consume TOPIC (--records N | --duration S) [--group G] [--timeout-ms MS]</c>: reads from the log start.</summary>
internal static class PerfConsumeCommand
{
    public static Command Create()
    {
        var (command, options) = ClientOptions.Command("consume", "Consumer load test: records/s, MB/s, record age percentiles");
        var topic = new Argument<string>("topic") { Description = "Topic to read" };
        var records = new Option<long?>("--records", "-n") { Description = "Records to read" };
        var duration = new Option<double?>("--duration") { Description = "Seconds to read for (instead of --records)" };
        var group = new Option<string?>("--group", "-g") { Description = "Read as a member of this group (default: assign every partition)" };
        var timeout = new Option<int>("--timeout-ms") { Description = "Give up when no record came for this long", DefaultValueFactory = _ => 10_000 };
        var properties = new Option<string[]>("--consumer-property", "-X") { Description = "A consumer setting, key=value; repeatable", Arity = ArgumentArity.ZeroOrMore };
        command.Arguments.Add(topic);
        foreach (var option in (Option[])[records, duration, group, timeout, properties])
        {
            command.Options.Add(option);
        }

        Run.Action(command, async (parse, ct) =>
        {
            var config = options.Config<ConsumerConfig>(parse);
            config.AutoOffsetReset = AutoOffsetReset.Earliest;
            config.Apply(KeyValues.Parse(parse.GetValue(properties), "--consumer-property"));
            var settings = new ConsumePerfSettings(
                parse.GetValue(topic)!, parse.GetValue(records), PerfProduceCommand.Seconds(parse.GetValue(duration)), parse.GetValue(group), parse.GetValue(timeout));
            var result = await ConsumerLoad.RunAsync(config, options.Config<AdminClientConfig>(parse), settings, ct);
            result.Print(options.Format(parse));
            return 0;
        });
        return command;
    }
}
