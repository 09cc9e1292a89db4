using System.Globalization;
using System.Text;
using Samsa.Cli.Common;
using Samsa.Cli.Groups;
using Samsa.Client;
using Samsa.Client.Admin;

namespace Samsa.Cli.Compat;

/// <summary>What kafka-consumer-groups.sh --reset-offsets was asked: a strategy over a scope, or the offsets of a --from-file plan.</summary>
internal sealed record KafkaResetRequest(
    IReadOnlyList<string> Groups, bool OneGroupNamed, ResetRequest? Strategy, IReadOnlyDictionary<string, Dictionary<TopicPartition, long>>? FromFile, bool Execute, bool Export);

/// <summary>
/// kafka-consumer-groups.sh --reset-offsets: only groups without active members (Empty, or Dead: never seen) are reset;
/// any other is reported with Kafka's error line and left alone. Prints Kafka's GROUP TOPIC PARTITION NEW-OFFSET table,
/// or with --export the plan as the CSV --from-file reads.
/// </summary>
internal static class ConsumerGroupsReset
{
    public static async Task RunAsync(KafkaAdminClient admin, KafkaResetRequest request, CancellationToken ct)
    {
        var plans = new SortedDictionary<string, IReadOnlyDictionary<TopicPartition, long>>(StringComparer.Ordinal);
        foreach (var groupId in request.Groups.Distinct())
        {
            var group = await ConsumerGroupInfo.DescribeAsync(admin, groupId, ct);
            if (group.State is "Empty" or "Dead")
            {
                plans[groupId] = await ResetInactiveAsync(admin, groupId, request, ct);
            }
            else
            {
                Console.Out.WriteLine($"\nError: Assignments can only be reset if the group '{groupId}' is inactive, but the current state is {group.State}.");
                plans[groupId] = new Dictionary<TopicPartition, long>();
            }
        }

        Console.Out.Write(request.Export ? Csv(plans, request.OneGroupNamed) + "\n" : Table(plans));
    }

    private static async Task<IReadOnlyDictionary<TopicPartition, long>> ResetInactiveAsync(KafkaAdminClient admin, string groupId, KafkaResetRequest request, CancellationToken ct)
    {
        var committed = (await GroupState.CommittedAsync(admin, groupId, ct)).ToDictionary(c => c.Key, c => c.Value.Offset);
        IReadOnlyDictionary<TopicPartition, long> plan;
        if (request.FromFile is { } file)
        {
            if (!file.TryGetValue(groupId, out var wanted))
            {
                Console.Out.WriteLine($"\nError: No reset plan for group {groupId} found.");
                return new Dictionary<TopicPartition, long>();
            }

            plan = await ClampAsync(admin, wanted, ct);
        }
        else
        {
            var strategy = request.Strategy!;
            List<TopicPartition> partitions = strategy.AllTopics ? [.. committed.Keys] : await TopicPartitions.ResolveAsync(admin, strategy.Topics, ct);
            if (strategy.Strategy is ResetStrategy.ShiftBy && partitions.FirstOrDefault(p => !committed.ContainsKey(p)) is { Topic: not null } uncommitted)
            {
                throw CliException.Usage($"Cannot shift offset for partition {uncommitted} since there is no current committed offset");
            }

            plan = await ResetPlan.ComputeAsync(admin, partitions, strategy.Strategy, committed, ct);
        }

        if (request.Execute && plan.Count > 0)
        {
            (await admin.AlterConsumerGroupOffsetsAsync(groupId, plan, ct)).ThrowIfAnyFailed();
        }

        return plan;
    }

    /// <summary>Offsets from a file, moved into [log start, log end] as Kafka does.</summary>
    private static async Task<Dictionary<TopicPartition, long>> ClampAsync(KafkaAdminClient admin, Dictionary<TopicPartition, long> wanted, CancellationToken ct)
    {
        var earliest = await admin.ListOffsetsAsync(wanted.Keys.ToDictionary(p => p, _ => OffsetSpec.Earliest), ct: ct);
        var latest = await admin.ListOffsetsAsync(wanted.Keys.ToDictionary(p => p, _ => OffsetSpec.Latest), ct: ct);
        return wanted.ToDictionary(w => w.Key, w => Math.Clamp(w.Value, earliest[w.Key].Offset, latest[w.Key].Offset));
    }

    private static string Table(IReadOnlyDictionary<string, IReadOnlyDictionary<TopicPartition, long>> plans)
    {
        var g = ConsumerGroupsDescribe.Width(plans.Keys);
        var t = ConsumerGroupsDescribe.Width(plans.Values.SelectMany(p => p.Keys).Select(p => p.Topic));
        int[] widths = [g, t, 10, 0];
        var text = new StringBuilder();
        if (plans.Count > 0)
        {
            text.Append('\n').Append(ConsumerGroupsDescribe.Columns(widths, ["GROUP", "TOPIC", "PARTITION", "NEW-OFFSET"]));
        }

        foreach (var (groupId, plan) in plans)
        {
            foreach (var tp in ConsumerGroupsDescribe.Sorted(plan.Keys))
            {
                text.Append('\n').Append(ConsumerGroupsDescribe.Columns(widths, [groupId, tp.Topic, Num(tp.Partition), Num(plan[tp])]));
            }
        }

        return text.Append('\n').ToString();
    }

    /// <summary>Kafka's export: topic,partition,offset lines when one --group was named, else group,topic,partition,offset.</summary>
    private static string Csv(IReadOnlyDictionary<string, IReadOnlyDictionary<TopicPartition, long>> plans, bool oneGroupNamed)
    {
        var text = new StringBuilder();
        foreach (var (groupId, plan) in plans)
        {
            foreach (var tp in ConsumerGroupsDescribe.Sorted(plan.Keys))
            {
                text.Append(oneGroupNamed ? string.Empty : groupId + ",").Append(CultureInfo.InvariantCulture, $"{tp.Topic},{tp.Partition},{plan[tp]}\n");
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// Reads a --from-file plan: topic,partition,offset lines (for the one --group named) or group,topic,partition,offset
    /// lines (any number of groups), as --export writes them.
    /// </summary>
    public static Dictionary<string, Dictionary<TopicPartition, long>> ParsePlan(string path, IReadOnlyList<string> namedGroups)
    {
        if (!File.Exists(path))
        {
            throw CliException.Usage($"--from-file: file {path} does not exist");
        }

        var lines = File.ReadAllLines(path).Where(l => !string.IsNullOrWhiteSpace(l)).ToList();
        var withoutGroup = namedGroups.Count == 1 && lines.Count > 0 && lines[0].Split(',').Length == 3;
        var plans = new Dictionary<string, Dictionary<TopicPartition, long>>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            var fields = line.Split(',', StringSplitOptions.TrimEntries);
            var group = withoutGroup ? namedGroups[0] : fields[0];
            var rest = withoutGroup ? fields : fields[1..];
            if (rest.Length != 3
                || !int.TryParse(rest[1], NumberStyles.None, CultureInfo.InvariantCulture, out var partition)
                || !long.TryParse(rest[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var offset))
            {
                throw CliException.Usage($"--from-file: '{line}' is not {(withoutGroup ? "topic,partition,offset" : "group,topic,partition,offset")}");
            }

            (plans.TryGetValue(group, out var plan) ? plan : plans[group] = [])[new TopicPartition(rest[0], partition)] = offset;
        }

        return plans;
    }

    private static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);
}
