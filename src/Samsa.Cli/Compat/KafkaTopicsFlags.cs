using System.CommandLine;
using System.CommandLine.Parsing;
using Samsa.Cli.Common;

namespace Samsa.Cli.Compat;

/// <summary>kafka-topics.sh's flags, and the combinations of them Kafka's TopicCommand refuses (with its messages).</summary>
internal sealed class KafkaTopicsFlags
{
    private static readonly string[] Actions = ["create", "list", "describe", "delete", "alter"];
    private static readonly string[] Reports = ["under-replicated-partitions", "under-min-isr-partitions", "at-min-isr-partitions", "unavailable-partitions"];
    private const string UseKafkaConfigs = " (To alter topic configurations, the kafka-configs tool can be used.)";

    public Option<bool> Create { get; } = KafkaTools.Flag("create", "Create a new topic.");

    public Option<bool> List { get; } = KafkaTools.Flag("list", "List all available topics.");

    public Option<bool> Describe { get; } = KafkaTools.Flag("describe", "List details for the given topics.");

    public Option<bool> Delete { get; } = KafkaTools.Flag("delete", "Delete a topic.");

    public Option<bool> Alter { get; } = KafkaTools.Flag("alter", "Alter the number of partitions and replica assignment." + UseKafkaConfigs);

    public Option<string?> Topic { get; } = new("--topic") { Description = "Topic name; with --list, --describe, --alter and --delete a regular expression over whole names" };

    public Option<string?> TopicId { get; } = new("--topic-id") { Description = "Describe the topic with this id" };

    public Option<int?> Partitions { get; } = new("--partitions") { Description = "Partition count (with --create, or the new total with --alter)" };

    public Option<int?> ReplicationFactor { get; } = new("--replication-factor") { Description = "Replicas per partition (with --create)" };

    public Option<string?> ReplicaAssignment { get; } = new("--replica-assignment")
    {
        Description = "Replicas of each partition: brokers joined by colons, partitions by commas (1:2,2:3); with --create or --alter",
    };

    public Option<string[]> Config { get; } = new("--config")
    {
        Description = "name=value overriding a topic config; repeatable; only with --create" + UseKafkaConfigs,
        Arity = ArgumentArity.ZeroOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<string[]> DeleteConfig { get; } = new("--delete-config")
    {
        Description = "No longer supported (deprecated since Kafka 4.0): accepted and ignored, with a warning.",
        Arity = ArgumentArity.ZeroOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<bool> IfExists { get; } = KafkaTools.Flag("if-exists", "If set when altering or deleting or describing topics, the action will only execute if the topic exists.");

    public Option<bool> IfNotExists { get; } = KafkaTools.Flag("if-not-exists", "If set when creating topics, the create request will not fail if the topic already exists.");

    public Option<bool> ExcludeInternal { get; } = KafkaTools.Flag("exclude-internal", "Exclude internal topics when listing or describing topics.");

    public Option<bool> UnderReplicated { get; } = KafkaTools.Flag("under-replicated-partitions", "If set when describing topics, only show under-replicated partitions.");

    public Option<bool> Unavailable { get; } = KafkaTools.Flag("unavailable-partitions", "If set when describing topics, only show partitions whose leader is not available.");

    public Option<bool> UnderMinIsr { get; } = KafkaTools.Flag("under-min-isr-partitions", "If set when describing topics, only show partitions whose isr count is less than the configured minimum.");

    public Option<bool> AtMinIsr { get; } = KafkaTools.Flag("at-min-isr-partitions", "If set when describing topics, only show partitions whose isr count is equal to the configured minimum.");

    public Option<bool> WithOverrides { get; } = KafkaTools.Flag("topics-with-overrides", "If set when describing topics, only show topics that have overridden configs.");

    public Option<int?> PartitionSizeLimit { get; } = new("--partition-size-limit-per-response")
    {
        Description = "How many partitions one DescribeTopicPartitions answer may hold (paging only: the output is the same)",
    };

    public void AddTo(Command command)
    {
        Option[] all =
        [
            Create, List, Describe, Delete, Alter, Topic, TopicId, Partitions, ReplicationFactor, ReplicaAssignment, Config, DeleteConfig,
            IfExists, IfNotExists, ExcludeInternal, UnderReplicated, Unavailable, UnderMinIsr, AtMinIsr, WithOverrides, PartitionSizeLimit,
        ];
        foreach (var option in all)
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The action (exactly one of --create, --list, ...), after Kafka's checks of which flags go with it.</summary>
    public string CheckedAction(ParseResult parse)
    {
        var action = KafkaTools.Action(parse, (Create, "create"), (List, "list"), (Describe, "describe"), (Delete, "delete"), (Alter, "alter"));
        var given = Given(parse);
        if (given.Contains("delete-config"))
        {
            Console.Error.WriteLine("--delete-config is ignored here, as in Kafka 4.0 and later; remove topic configs with kafka-configs.sh --alter --delete-config.");
        }

        CheckRequired(given, action);
        CheckInvalid(given);
        if (parse.GetValue(PartitionSizeLimit) is < 1)
        {
            throw CliException.Usage("--partition-size-limit-per-response must be at least 1");
        }

        return action;
    }

    private static void CheckRequired(HashSet<string> given, string action)
    {
        if (action == "describe" && given.Contains("if-exists") && !given.Contains("topic") && !given.Contains("topic-id"))
        {
            throw CliException.Usage("--topic or --topic-id is required to describe a topic");
        }

        if (action == "describe" && given.Contains("if-exists") && given.Contains("topic") && given.Contains("topic-id"))
        {
            Console.Out.WriteLine("Only topic id will be used when both --topic and --topic-id are specified and topicId is not Uuid.ZERO_UUID");
        }

        if (action is not ("list" or "describe") && !given.Contains("topic"))
        {
            throw CliException.Usage("Missing required argument \"[topic]\"");
        }

        if (action == "alter" && given.Contains("config"))
        {
            throw CliException.Usage($"Option combination \"[[bootstrap-server], [config]]\" can't be used with option \"[alter]\"{UseKafkaConfigs}");
        }

        if (action == "alter" && !given.Contains("partitions"))
        {
            throw CliException.Usage("Missing required argument \"[partitions]\"");
        }
    }

    private static void CheckInvalid(HashSet<string> given)
    {
        Invalid(given, "config", Except("alter", "create"));
        Invalid(given, "partitions", Except("alter", "create"));
        Invalid(given, "replication-factor", Except("create"));
        Invalid(given, "replica-assignment", Except("alter", "create"));
        if (given.Contains("create"))
        {
            Invalid(given, "replica-assignment", ["partitions", "replication-factor"]);
        }

        foreach (var report in Reports)
        {
            Invalid(given, report, [.. Except("describe"), "topics-with-overrides"]);
        }

        Invalid(given, "topics-with-overrides", [.. Except("describe"), .. Reports]);
        Invalid(given, "if-exists", Except("alter", "delete", "describe"));
        Invalid(given, "if-not-exists", Except("create"));
        Invalid(given, "exclude-internal", Except("list", "describe"));
    }

    private static string[] Except(params string[] allowed) => [.. Actions.Except(allowed)];

    private static void Invalid(HashSet<string> given, string used, IEnumerable<string> invalid)
    {
        if (given.Contains(used) && invalid.FirstOrDefault(given.Contains) is { } clash)
        {
            throw CliException.Usage($"Option \"[{used}]\" can't be used with option \"[{clash}]\"");
        }
    }

    /// <summary>The flags given on the command line, without their dashes (false flags count as absent).</summary>
    private static HashSet<string> Given(ParseResult parse) =>
        [.. parse.CommandResult.Children.OfType<OptionResult>()
            .Where(r => !r.Implicit && !(r.Option is Option<bool> flag && !parse.GetValue(flag)))
            .Select(r => r.Option.Name.TrimStart('-'))];
}
