using System.Globalization;
using System.Text;
using Samsa.Cli.Common;
using Samsa.Client.Admin;
using Samsa.Client.Errors;
using Samsa.Client.Metadata;

namespace Samsa.Cli.Compat;

/// <summary>Which parts of a topic description kafka-topics.sh --describe prints: the report flags and --topics-with-overrides.</summary>
internal sealed record KafkaTopicsReport(bool UnderReplicated, bool Unavailable, bool UnderMinIsr, bool AtMinIsr, bool WithOverrides)
{
    /// <summary>Without a partition filter the topic line is printed; with one, only the partitions that match.</summary>
    public bool TopicLines => !(UnderReplicated || Unavailable || UnderMinIsr || AtMinIsr);
}

/// <summary>
/// kafka-topics.sh --describe: per topic a tab-separated topic line (its configs that are not defaults), then one
/// indented line per partition, filtered as Kafka's report flags say.
/// </summary>
internal static class KafkaTopicsDescriber
{
    public static async Task DescribeAsync(KafkaAdminClient admin, IReadOnlyList<TopicDescription> topics, KafkaTopicsReport report, CancellationToken ct)
    {
        var configs = await ConfigsAsync(admin, [.. topics.Select(t => t.Name)], ct);
        var live = report.Unavailable ? (await admin.DescribeClusterAsync(ct)).Brokers.Select(b => b.NodeId).ToHashSet() : [];
        var text = new StringBuilder();
        foreach (var topic in topics.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            var overrides = configs.GetValueOrDefault(topic.Name, []).Where(e => !e.IsDefault).ToList();
            if (report.TopicLines && (!report.WithOverrides || overrides.Count > 0))
            {
                text.Append(TopicLine(topic, overrides));
            }

            if (report.WithOverrides)
            {
                continue;
            }

            var minIsr = MinIsr(configs.GetValueOrDefault(topic.Name, []));
            foreach (var p in topic.Partitions.OrderBy(p => p.Partition).Where(p => report.TopicLines || Matches(report, p, minIsr, live)))
            {
                text.Append(CultureInfo.InvariantCulture, $"\tTopic: {topic.Name}\tPartition: {p.Partition}\tLeader: {(p.Leader < 0 ? "none" : p.Leader)}\tReplicas: {string.Join(',', p.Replicas)}\tIsr: {string.Join(',', p.Isr)}\n");
            }
        }

        await Console.Out.WriteAsync(text.ToString());
    }

    private static string TopicLine(TopicDescription topic, List<ConfigEntry> overrides)
    {
        var id = topic.TopicId == default ? string.Empty : $"\tTopicId: {topic.TopicId}";
        var configs = string.Join(',', overrides.Select(e => $"{e.Name}={(e.IsSensitive ? null : e.Value) ?? "null"}"));
        return string.Create(CultureInfo.InvariantCulture, $"Topic: {topic.Name}{id}\tPartitionCount: {topic.Partitions.Count}\tReplicationFactor: {topic.ReplicationFactor}\tConfigs: {configs}\n");
    }

    private static bool Matches(KafkaTopicsReport report, PartitionMetadata p, int minIsr, HashSet<int> live)
    {
        var hasLeader = p.Leader >= 0;
        return (report.UnderReplicated && p.Replicas.Count > p.Isr.Count)
            || (report.Unavailable && (!hasLeader || !live.Contains(p.Leader)))
            || (report.UnderMinIsr && (!hasLeader || p.Isr.Count < minIsr))
            || (report.AtMinIsr && p.Isr.Count == minIsr);
    }

    private static int MinIsr(IReadOnlyList<ConfigEntry> entries) =>
        entries.FirstOrDefault(e => e.Name == "min.insync.replicas")?.Value is { } value
        && int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var minIsr)
            ? minIsr
            : 1;

    /// <summary>Every config of each topic (empty where the broker has no DescribeConfigs: the rest is still worth printing).</summary>
    private static async Task<Dictionary<string, IReadOnlyList<ConfigEntry>>> ConfigsAsync(KafkaAdminClient admin, List<string> topics, CancellationToken ct)
    {
        if (topics.Count == 0)
        {
            return [];
        }

        try
        {
            var results = await admin.DescribeConfigsAsync([.. topics.Select(ConfigResource.Topic)], ct: ct);
            return results.Where(r => r.Error is null).ToDictionary(r => r.Resource.Name, r => r.Entries);
        }
        catch (UnsupportedApiException)
        {
            return [];
        }
    }

    /// <summary>The topic with id <paramref name="id"/> (Kafka's base64 form), or none; null for the zero id, which Kafka takes as no id.</summary>
    public static async Task<List<TopicDescription>?> ByIdAsync(KafkaAdminClient admin, string id, bool excludeInternal, bool ifExists, CancellationToken ct)
    {
        if (!Samsa.Protocol.Primitives.Uuid.TryParse(id, out var topicId))
        {
            throw CliException.Usage($"--topic-id: '{id}' is not a topic id (the base64 form --describe prints after TopicId:)");
        }

        if (topicId.IsZero)
        {
            return null;
        }

        var names = await admin.ListTopicsAsync(includeInternal: !excludeInternal, ct);
        var found = names.Count == 0 ? [] : (await Admin.DescribeExistingAsync(admin, names, ct)).Where(t => t.TopicId == topicId).ToList();
        if (found.Count == 0 && !ifExists)
        {
            throw new CliException($"TopicId '{id}' does not exist as expected");
        }

        return found;
    }
}
