using System.CommandLine;
using Samsa.Cli.Common;
using Samsa.Client.Configuration;

namespace Samsa.Cli.ProduceConsume;

/// <summary>
/// <c>samsa consume TOPIC [--from-beginning | --offset O | --from-timestamp T] [--partition P] [--group G]
/// [--max-messages N] [--timeout-ms MS] [--format TEMPLATE]</c>: prints records until stopped or a limit is hit.
/// </summary>
internal static class ConsumeCommand
{
    public static Command Create()
    {
        var (command, options) = ClientOptions.Command("consume", "Print records of a topic", withOutput: false);
        var topic = new Argument<string>("topic") { Description = "Topic to read" };
        var group = new Option<string?>("--group", "-g") { Description = "Consume as a member of this group (committing offsets)" };
        var partition = new Option<int?>("--partition", "-p") { Description = "Only this partition" };
        var fromBeginning = new Option<bool>("--from-beginning") { Description = "Start at the log start (with --group: when the group has no offset)" };
        var offset = new Option<string?>("--offset") { Description = "Start offset: a number, earliest or latest" };
        var fromTimestamp = new Option<string?>("--from-timestamp") { Description = "Start at the first record at or after this time (Unix ms or ISO-8601)" };
        var maxMessages = new Option<long?>("--max-messages", "-n") { Description = "Stop after this many records" };
        var timeout = new Option<int?>("--timeout-ms") { Description = "Stop when no record came for this long" };
        var format = new Option<string>("--format") { Description = "Output template: {topic} {partition} {offset} {timestamp} {key} {value} {headers}", DefaultValueFactory = _ => RecordTemplate.Default };
        var properties = new Option<string[]>("--consumer-property", "-X") { Description = "A consumer setting, key=value (Kafka's names); repeatable", Arity = ArgumentArity.ZeroOrMore };
        command.Arguments.Add(topic);
        foreach (var option in (Option[])[group, partition, fromBeginning, offset, fromTimestamp, maxMessages, timeout, format, properties])
        {
            command.Options.Add(option);
        }

        Run.Action(command, async (parse, ct) =>
        {
            var config = options.Config<ConsumerConfig>(parse);
            config.Apply(KeyValues.Parse(parse.GetValue(properties), "--consumer-property"));
            var settings = new ConsumeSettings(
                parse.GetValue(topic)!, parse.GetValue(group), parse.GetValue(partition), parse.GetValue(fromBeginning), parse.GetValue(offset),
                parse.GetValue(fromTimestamp), parse.GetValue(maxMessages), parse.GetValue(timeout), new RecordTemplate(parse.GetValue(format)!));
            var processed = await ConsoleConsumer.RunAsync(config, options.Config<AdminClientConfig>(parse), settings, System.Console.Out, ct);
            await System.Console.Error.WriteLineAsync($"Processed a total of {processed} messages");
            return 0;
        });
        return command;
    }
}
