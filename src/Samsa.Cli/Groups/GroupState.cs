using Samsa.Cli.Common;
using Samsa.Client;
using Samsa.Client.Admin;

namespace Samsa.Cli.Groups;

/// <summary>A group's members, committed offsets and log-end offsets, gathered for describe and reset.</summary>
internal sealed record GroupState(
    GroupDescription Description,
    IReadOnlyDictionary<TopicPartition, long> Committed,
    IReadOnlyDictionary<TopicPartition, long> LogEnd)
{
    public bool IsActive => Description.Members.Count > 0;

    /// <summary>Lag of a partition: log-end minus committed offset; null without a committed offset.</summary>
    public long? Lag(TopicPartition tp) =>
        Committed.TryGetValue(tp, out var committed) && LogEnd.TryGetValue(tp, out var end) ? Math.Max(0, end - committed) : null;

    /// <summary>Every partition the group has an offset for or a member is assigned, sorted.</summary>
    public IReadOnlyList<TopicPartition> Partitions =>
        [.. Committed.Keys.Concat(Description.Members.SelectMany(m => m.Assignment)).Distinct().OrderBy(p => p.Topic, StringComparer.Ordinal).ThenBy(p => p.Partition)];

    public GroupMemberDescription? Owner(TopicPartition tp) => Description.Members.FirstOrDefault(m => m.Assignment.Contains(tp));

    public static async Task<GroupState> LoadAsync(KafkaAdminClient admin, string groupId, CancellationToken ct)
    {
        var description = (await admin.DescribeGroupsAsync([groupId], ct)).ThrowIfAnyFailed()[0];
        var committed = (await admin.ListConsumerGroupOffsetsAsync(groupId, ct: ct))
            .Where(c => c.Value.Error is null && c.Value.Offset >= 0)
            .ToDictionary(c => c.Key, c => c.Value.Offset);
        if (description.State is "Dead" && committed.Count == 0)
        {
            throw new CliException($"consumer group '{groupId}' does not exist; list groups with 'samsa group list'");
        }

        var partitions = committed.Keys.Concat(description.Members.SelectMany(m => m.Assignment)).Distinct().ToList();
        var logEnd = await LogEndAsync(admin, partitions, ct);
        return new GroupState(description, committed, logEnd);
    }

    public static async Task<Dictionary<TopicPartition, long>> LogEndAsync(KafkaAdminClient admin, IReadOnlyCollection<TopicPartition> partitions, CancellationToken ct) =>
        partitions.Count == 0
            ? []
            : (await admin.ListOffsetsAsync(partitions.ToDictionary(p => p, _ => OffsetSpec.Latest), ct: ct)).ToDictionary(o => o.Key, o => o.Value.Offset);
}
