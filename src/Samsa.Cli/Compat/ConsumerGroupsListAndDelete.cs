using System.Globalization;
using System.Text;
using Samsa.Cli.Common;
using Samsa.Client;
using Samsa.Client.Admin;
using Samsa.Client.Errors;
using Samsa.Protocol.Errors;

namespace Samsa.Cli.Compat;

/// <summary>kafka-consumer-groups.sh --list (with --state and --type), --delete and --delete-offsets, with Kafka's output.</summary>
internal static class ConsumerGroupsListAndDelete
{
    /// <summary>The states a consumer group (classic or KIP-848) can be in, as Kafka names them.</summary>
    private static readonly string[] States = ["PreparingRebalance", "CompletingRebalance", "Stable", "Dead", "Empty", "Assigning", "Reconciling"];

    private static readonly string[] Types = ["Classic", "Consumer"];

    /// <summary>Consumer groups only, as Kafka's tool lists them: protocol type "consumer" (or none, for KIP-848 groups).</summary>
    public static async Task<List<GroupListing>> ConsumerGroupsAsync(KafkaAdminClient admin, CancellationToken ct) =>
        [.. (await admin.ListGroupsAsync(ct: ct)).Where(g => g.ProtocolType is "consumer" or "" && (g.Type is null || Types.Contains(g.Type, StringComparer.OrdinalIgnoreCase)))];

    /// <summary>Group ids one a line; with --state or --type (each optionally a comma-separated filter) a GROUP [TYPE] [STATE] table.</summary>
    public static async Task ListAsync(KafkaAdminClient admin, (bool Given, string? Filter) state, (bool Given, string? Filter) type, CancellationToken ct)
    {
        var states = Parse(state.Filter, States, "state", "states");
        var types = Parse(type.Filter, Types, "types", "types");
        var groups = await ConsumerGroupsAsync(admin, ct);
        if (!state.Given && !type.Given)
        {
            groups.ForEach(g => Console.Out.WriteLine(g.GroupId));
            return;
        }

        groups = [.. groups.Where(g => (states.Count == 0 || states.Contains(Name(g.State, States))) && (types.Count == 0 || types.Contains(Name(g.Type, Types))))];
        var width = groups.Select(g => g.GroupId.Length).Append(15).Max() + 10;
        string Line(string group, string groupType, string groupState) =>
            group.PadRight(width) + (type.Given ? " " + groupType.PadRight(20) : string.Empty) + (state.Given ? " " + groupState.PadRight(20) : string.Empty);
        Console.Out.WriteLine(Line("GROUP", "TYPE", "STATE"));
        groups.ForEach(g => Console.Out.WriteLine(Line(g.GroupId, Name(g.Type, Types), Name(g.State, States))));
    }

    /// <summary>Kafka's spelling of a state or type the broker sent (any case), or Unknown.</summary>
    private static string Name(string? value, string[] known) => known.FirstOrDefault(k => k.Equals(value, StringComparison.OrdinalIgnoreCase)) ?? "Unknown";

    private static HashSet<string> Parse(string? filter, string[] valid, string list, string plural)
    {
        if (string.IsNullOrEmpty(filter))
        {
            return [];
        }

        var names = filter.Split(',', StringSplitOptions.TrimEntries).Select(v => Name(v, valid)).ToHashSet();
        return names.Contains("Unknown")
            ? throw CliException.Usage($"Invalid {list} list '{filter}'. Valid {plural} are: {string.Join(", ", valid)}")
            : names;
    }

    /// <summary>Kafka's report: one success line, or the failures one a line and then the groups that were deleted.</summary>
    public static async Task DeleteAsync(KafkaAdminClient admin, IReadOnlyList<string> groups, CancellationToken ct)
    {
        var results = await admin.DeleteGroupsAsync(groups.Distinct(), ct);
        var deleted = string.Join(", ", results.Where(r => r.Error is null).Select(r => $"'{r.GroupId}'"));
        if (results.All(r => r.Error is null))
        {
            Console.Out.WriteLine($"Deletion of requested consumer groups ({deleted}) was successful.");
            return;
        }

        Console.Out.WriteLine("\nError: Deletion of some consumer groups failed:");
        foreach (var failed in results.Where(r => r.Error is not null))
        {
            Console.Out.WriteLine($"* Group '{failed.GroupId}' could not be deleted due to: {Describe(failed.Error!)}");
        }

        if (deleted.Length > 0)
        {
            Console.Out.WriteLine($"\nThese consumer groups were deleted successfully: {deleted}");
        }
    }

    /// <summary>Kafka's report: a line on the outcome as a whole, then TOPIC PARTITION STATUS for each partition.</summary>
    public static async Task DeleteOffsetsAsync(KafkaAdminClient admin, string groupId, IReadOnlyList<string> topics, CancellationToken ct)
    {
        var (partitions, outcome) = await PartitionsAsync(admin, topics, ct);
        var topLevel = ErrorCode.None;
        try
        {
            if (partitions.Count == 0)
            {
                throw new KafkaBrokerException(ErrorCode.UnknownTopicOrPartition);
            }

            var results = await admin.DeleteConsumerGroupOffsetsAsync(groupId, partitions, ct);
            results.ToList().ForEach(r => outcome[r.Partition] = r.Error);
            topLevel = results.FirstOrDefault(r => r.Error is not null)?.Error!.ErrorCode ?? ErrorCode.None;
        }
        catch (KafkaBrokerException e)
        {
            topLevel = e.ErrorCode;
            partitions.ForEach(p => outcome[p] = e);
        }

        Console.Out.WriteLine(topLevel switch
        {
            ErrorCode.None => $"Request succeeded for deleting offsets from group {groupId}.",
            ErrorCode.InvalidGroupId or ErrorCode.GroupIdNotFound or ErrorCode.GroupAuthorizationFailed or ErrorCode.NonEmptyGroup => $"\nError: {topLevel.DefaultMessage()}",
            ErrorCode.GroupSubscribedToTopic or ErrorCode.TopicAuthorizationFailed or ErrorCode.UnknownTopicOrPartition => "\nError: Encountered some partition-level error, see the follow-up details.",
            _ => $"\nError: Encountered some unknown error: {topLevel.KafkaName()}",
        });
        var width = outcome.Keys.Select(p => p.Topic.Length).Append(15).Max();
        var text = new StringBuilder().Append('\n').Append(CultureInfo.InvariantCulture, $"{"TOPIC".PadRight(width)} {"PARTITION",-10} {"STATUS",-15}");
        foreach (var (tp, error) in outcome.OrderBy(o => o.Key.Topic + o.Key.Partition.ToString(CultureInfo.InvariantCulture), StringComparer.Ordinal))
        {
            var partition = tp.Partition >= 0 ? tp.Partition.ToString(CultureInfo.InvariantCulture) : "-";
            var status = error is null ? "Successful" : $"Error: {Describe(error)}";
            text.Append('\n').Append(CultureInfo.InvariantCulture, $"{tp.Topic.PadRight(width)} {partition,-10} {status,-15}");
        }

        Console.Out.WriteLine(text.ToString());
    }

    /// <summary>topic:0,1 names partitions; a bare topic means all of its partitions, and an unknown one is a row of its own (partition -1).</summary>
    private static async Task<(List<TopicPartition> Partitions, Dictionary<TopicPartition, KafkaBrokerException?> Outcome)> PartitionsAsync(
        KafkaAdminClient admin, IReadOnlyList<string> topics, CancellationToken ct)
    {
        var partitions = await Groups.TopicPartitions.ResolveAsync(admin, topics.Where(t => t.Contains(':', StringComparison.Ordinal)), ct);
        var outcome = new Dictionary<TopicPartition, KafkaBrokerException?>();
        var whole = topics.Where(t => !t.Contains(':', StringComparison.Ordinal)).Distinct().ToList();
        foreach (var topic in whole.Count == 0 ? [] : await admin.DescribeTopicsAsync(whole, ct))
        {
            if (topic.Error is not null)
            {
                outcome[new TopicPartition(topic.Name, -1)] = topic.Error;
                continue;
            }

            partitions.AddRange(topic.Partitions.Select(p => new TopicPartition(topic.Name, p.Partition)));
        }

        return ([.. partitions.Distinct()], outcome);
    }

    private static string Describe(KafkaBrokerException e) =>
        string.IsNullOrEmpty(e.BrokerMessage) ? $"{e.ErrorName}: {e.ErrorCode.DefaultMessage()}" : $"{e.ErrorName}: {e.BrokerMessage}";
}
