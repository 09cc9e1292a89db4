using System.CommandLine;
using Samsa.Cli.Common;
using Samsa.Client.Admin;
using Samsa.Client.Errors;

namespace Samsa.Cli.Topics;

/// <summary><c>samsa topic describe [NAME ...]</c>: partitions, replication factor, configs, leaders, replicas, ISR.</summary>
internal static class TopicDescribeCommand
{
    public static Command Create()
    {
        var (command, options) = ClientOptions.Command("describe", "Describe topics (all when none are named)");
        var names = new Argument<string[]>("topic") { Description = "Topic names", Arity = ArgumentArity.ZeroOrMore };
        command.Arguments.Add(names);
        Run.Action(command, async (parse, ct) =>
        {
            await using var admin = Admin.Create(options, parse);
            var wanted = parse.GetValue(names) is { Length: > 0 } given ? given : [.. await admin.ListTopicsAsync(false, ct)];
            var topics = await Admin.DescribeExistingAsync(admin, wanted, ct);
            var configs = await NonDefaultConfigsAsync(admin, wanted, ct);
            Printer.Print(options.Format(parse), TopicsTable(topics, configs), PartitionsTable(topics));
            return 0;
        });
        return command;
    }

    public static Table TopicsTable(IEnumerable<TopicDescription> topics, IReadOnlyDictionary<string, string>? configs)
    {
        var table = new Table("topics", "TOPIC", "TOPIC-ID", "PARTITIONS", "REPLICATION-FACTOR", "CONFIGS");
        foreach (var topic in topics)
        {
            table.Add(topic.Name, topic.TopicId.ToString(), topic.Partitions.Count, topic.ReplicationFactor, configs?.GetValueOrDefault(topic.Name));
        }

        return table;
    }

    public static Table PartitionsTable(IEnumerable<TopicDescription> topics)
    {
        var table = new Table("partitions", "TOPIC", "PARTITION", "LEADER", "REPLICAS", "ISR");
        foreach (var topic in topics)
        {
            foreach (var p in topic.Partitions)
            {
                table.Add(topic.Name, p.Partition, p.Leader, p.Replicas, p.Isr);
            }
        }

        return table;
    }

    /// <summary>
    /// Each topic's configs that differ from the defaults, "k=v,k=v"; null when the broker has no DescribeConfigs
    /// (the rest of the description is still worth printing).
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, string>?> NonDefaultConfigsAsync(KafkaAdminClient admin, IReadOnlyList<string> topics, CancellationToken ct)
    {
        if (topics.Count == 0)
        {
            return new Dictionary<string, string>();
        }

        IReadOnlyList<ConfigResourceResult> results;
        try
        {
            results = await admin.DescribeConfigsAsync([.. topics.Select(ConfigResource.Topic)], ct: ct);
        }
        catch (UnsupportedApiException)
        {
            return null;
        }

        return results.Where(r => r.Error is null).ToDictionary(
            r => r.Resource.Name,
            r => string.Join(',', r.Entries.Where(e => e.Source == ConfigSource.DynamicTopicConfig).Select(e => $"{e.Name}={(e.IsSensitive ? "(sensitive)" : e.Value)}")));
    }
}
