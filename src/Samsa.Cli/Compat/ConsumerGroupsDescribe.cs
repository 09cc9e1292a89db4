using System.Globalization;
using Samsa.Cli.Groups;
using Samsa.Client;
using Samsa.Client.Admin;

namespace Samsa.Cli.Compat;

/// <summary>
/// kafka-consumer-groups.sh --describe: the offsets (default), --members and --state views, each with --verbose, laid
/// out in Kafka's fixed-width columns (at least 15 wide, wider for long values) with Kafka's per-group messages.
/// </summary>
internal static class ConsumerGroupsDescribe
{
    private const string Missing = "-";

    public static async Task RunAsync(KafkaAdminClient admin, IEnumerable<string> groupIds, string view, bool verbose, CancellationToken ct)
    {
        foreach (var groupId in groupIds.Distinct().Order(StringComparer.Ordinal))
        {
            switch (view)
            {
                case "members":
                    PrintMembers(await ConsumerGroupInfo.DescribeAsync(admin, groupId, ct), verbose);
                    break;
                case "state":
                    PrintState(await ConsumerGroupInfo.DescribeAsync(admin, groupId, ct), await CoordinatorsAsync(admin, ct), verbose);
                    break;
                default:
                    PrintOffsets(await GroupState.LoadAsync(admin, groupId, ct), verbose);
                    break;
            }
        }
    }

    /// <summary>Kafka's note on the group's state; false when there is nothing to print (the group does not exist, or no rows).</summary>
    private static bool ShouldPrint(ConsumerGroupInfo group, int rows)
    {
        switch (group.State)
        {
            case "Dead":
                Console.Out.WriteLine($"\nError: Consumer group '{group.GroupId}' does not exist.");
                return false;
            case "Empty":
                Console.Error.WriteLine($"\nConsumer group '{group.GroupId}' has no active members.");
                break;
            case "PreparingRebalance" or "CompletingRebalance" or "Assigning" or "Reconciling":
                Console.Error.WriteLine($"\nWarning: Consumer group '{group.GroupId}' is rebalancing.");
                break;
        }

        return rows > 0;
    }

    private static void PrintOffsets(GroupState snapshot, bool verbose)
    {
        var rows = OffsetRows(snapshot);
        if (!ShouldPrint(snapshot.Group, rows.Count))
        {
            return;
        }

        var g = Width(rows.Select(r => r[0]));
        var t = Width(rows.Select(r => r[1]));
        var c = Width(rows.Select(r => r[7]));
        var h = Width(rows.Select(r => r[8]));
        int[] widths = verbose ? [g, t, 10, 15, 15, 15, 15, c, h, 0] : [g, t, 10, 15, 15, 15, c, h, 0];
        string[] header = ["GROUP", "TOPIC", "PARTITION", "LEADER-EPOCH", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID", "HOST", "CLIENT-ID"];
        var text = new System.Text.StringBuilder();
        foreach (var row in rows.Prepend(header))
        {
            text.Append('\n').Append(Columns(widths, verbose ? row : [.. row.Where((_, i) => i != 3)]));
        }

        Console.Out.WriteLine(text.ToString());
    }

    /// <summary>Rows of group, topic, partition, leader epoch, offset, log end, lag, consumer, host, client: assigned partitions first (members with the most first), then the rest.</summary>
    private static List<string[]> OffsetRows(GroupState s)
    {
        var rows = new List<string[]>();
        var assigned = new HashSet<TopicPartition>();
        foreach (var m in s.Group.Members.Where(m => m.Assignment.Count > 0).OrderByDescending(m => m.Assignment.Count))
        {
            assigned.UnionWith(m.Assignment);
            rows.AddRange(Sorted(m.Assignment).Select(tp => OffsetRow(s, tp, m.MemberId, m.Host, m.ClientId)));
        }

        rows.AddRange(Sorted(s.Committed.Keys.Where(tp => !assigned.Contains(tp))).Select(tp => OffsetRow(s, tp, Missing, Missing, Missing)));
        return rows;
    }

    private static string[] OffsetRow(GroupState s, TopicPartition tp, string consumer, string host, string client)
    {
        long? offset = s.Committed.TryGetValue(tp, out var c) ? c.Offset : null;
        long? end = s.LogEnd.TryGetValue(tp, out var e) ? e : null;
        var epoch = c is { LeaderEpoch: >= 0 } ? Num(c.LeaderEpoch) : Missing;
        return [s.Group.GroupId, tp.Topic, Num(tp.Partition), epoch, Num(offset), Num(end), Num(end - offset), consumer, host, client];
    }

    private static void PrintMembers(ConsumerGroupInfo group, bool verbose)
    {
        var members = group.Members;
        var print = ShouldPrint(group, members.Count);
        var withInstance = print && members.Any(m => !string.IsNullOrEmpty(m.InstanceId));
        var rows = members.Select(m => new[]
        {
            group.GroupId, m.MemberId, m.InstanceId ?? string.Empty, m.Host, m.ClientId, Num(m.Assignment.Count),
            Num(m.Epoch), Assignment(m.Assignment), Num(group.TargetAssignmentEpoch), Assignment(m.TargetAssignment),
        }).ToList();
        int W(int column, int min) => print ? Width(rows.Select(r => r[column]), min) : min;
        int[] widths = [W(0, 15), W(1, 15), W(2, 17), W(3, 15), W(4, 15), 15, 15, W(7, 20), 15, W(9, 20)];
        string[] header = ["GROUP", "CONSUMER-ID", "GROUP-INSTANCE-ID", "HOST", "CLIENT-ID", "#PARTITIONS", "CURRENT-EPOCH", "CURRENT-ASSIGNMENT", "TARGET-EPOCH", "TARGET-ASSIGNMENT"];
        var keep = Enumerable.Range(0, 10).Where(i => (i != 2 || withInstance) && (i < 6 || verbose)).ToArray();
        Console.Out.Write('\n');
        foreach (var row in rows.Prepend(header))
        {
            var main = string.Concat(keep.Where(i => i < 6).Select(i => row[i].PadRight(widths[i]) + " "));
            var extra = string.Join(' ', keep.Where(i => i >= 6).Select(i => row[i].PadRight(widths[i])));
            Console.Out.WriteLine(main + extra);
        }
    }

    private static void PrintState(ConsumerGroupInfo group, IReadOnlyDictionary<int, string> coordinators, bool verbose)
    {
        if (!ShouldPrint(group, 1))
        {
            return;
        }

        var coordinator = $"{coordinators.GetValueOrDefault(group.Coordinator, "unknown")}  ({group.Coordinator})";
        var strategy = string.IsNullOrEmpty(group.Assignor) ? Missing : group.Assignor;
        int[] widths = verbose
            ? [Math.Max(15, group.GroupId.Length), Math.Max(25, coordinator.Length), 20, 20, 15, 25, 0]
            : [Math.Max(15, group.GroupId.Length), Math.Max(25, coordinator.Length), 20, 20, 0];
        string[] header = verbose
            ? ["GROUP", "COORDINATOR (ID)", "ASSIGNMENT-STRATEGY", "STATE", "GROUP-EPOCH", "TARGET-ASSIGNMENT-EPOCH", "#MEMBERS"]
            : ["GROUP", "COORDINATOR (ID)", "ASSIGNMENT-STRATEGY", "STATE", "#MEMBERS"];
        string[] row = verbose
            ? [group.GroupId, coordinator, strategy, group.State, Num(group.GroupEpoch), Num(group.TargetAssignmentEpoch), Num(group.Members.Count)]
            : [group.GroupId, coordinator, strategy, group.State, Num(group.Members.Count)];
        Console.Out.WriteLine($"\n{Columns(widths, header)}\n{Columns(widths, row)}");
    }

    private static async Task<IReadOnlyDictionary<int, string>> CoordinatorsAsync(KafkaAdminClient admin, CancellationToken ct) =>
        (await admin.DescribeClusterAsync(ct)).Brokers.ToDictionary(b => b.NodeId, b => $"{b.Host}:{b.Port}");

    /// <summary>Kafka's form of an assignment: topic:0,1;other:2, topics sorted; "-" when empty.</summary>
    private static string Assignment(IReadOnlyList<TopicPartition> partitions) =>
        partitions.Count == 0
            ? Missing
            : string.Join(';', partitions.GroupBy(p => p.Topic).Select(t => $"{t.Key}:{string.Join(',', t.Select(p => p.Partition).Order())}").Order(StringComparer.Ordinal));

    public static IEnumerable<TopicPartition> Sorted(IEnumerable<TopicPartition> partitions) =>
        partitions.OrderBy(p => p.Topic, StringComparer.Ordinal).ThenBy(p => p.Partition);

    /// <summary>Cells padded to their widths (0: not padded), one space apart, as Kafka's printf formats lay them out.</summary>
    public static string Columns(IReadOnlyList<int> widths, IReadOnlyList<string> cells) =>
        string.Join(' ', cells.Select((cell, i) => cell.PadRight(widths[i])));

    public static int Width(IEnumerable<string> values, int min = 15) => values.Select(v => v.Length).Append(min).Max();

    private static string Num(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? Missing;
}
