using System.CommandLine;

namespace Samsa.Cli.Compat;

/// <summary>
/// Kafka's tools under their own names, with Kafka's flags and output shapes; bin/kafka-*.sh run these. Hidden from
/// the help of <c>samsa</c>, whose own commands are the documented interface.
/// </summary>
internal static class KafkaTools
{
    public static IEnumerable<Command> Create(bool hidden)
    {
        Command[] tools =
        [
            KafkaTopicsTool.Create(),
            KafkaConsumerGroupsTool.Create(),
            KafkaConfigsTool.Create(),
            KafkaConsoleProducerTool.Create(),
            KafkaConsoleConsumerTool.Create(),
            KafkaProducerPerfTool.Create(),
            KafkaConsumerPerfTool.Create(),
        ];
        foreach (var tool in tools)
        {
            tool.Hidden = hidden;
            tool.Options.Add(new VersionOption());
        }

        return tools;
    }

    /// <summary>Exactly one of the action flags (--create, --list, ...), else a usage error naming them.</summary>
    public static string Action(ParseResult parse, params (Option<bool> Flag, string Name)[] actions)
    {
        var given = actions.Where(a => parse.GetValue(a.Flag)).Select(a => a.Name).ToList();
        return given.Count == 1
            ? given[0]
            : throw Common.CliException.Usage($"give exactly one of {string.Join(", ", actions.Select(a => "--" + a.Name))}");
    }

    public static Option<bool> Flag(string name, string description) => new("--" + name) { Description = description };
}
