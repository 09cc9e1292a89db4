using Samsa.Client;
using Samsa.Client.Admin;

namespace Samsa.Cli.Groups;

/// <summary>
/// A group (from either group protocol), its committed offsets (with their leader epochs) and the log-end offsets of
/// those partitions and the assigned ones: what describe and reset work from.
/// </summary>
internal sealed record GroupState(
    ConsumerGroupInfo Group,
    IReadOnlyDictionary<TopicPartition, CommittedOffset> Committed,
    IReadOnlyDictionary<TopicPartition, long> LogEnd)
{
    /// <summary>Dead, as a classic describe reads a group id it does not know, and nothing committed either.</summary>
    public bool DoesNotExist => Group.IsDead && Committed.Count == 0;

    /// <summary>Lag of a partition: log-end minus committed offset; null without a committed offset.</summary>
    public long? Lag(TopicPartition tp) =>
        Committed.TryGetValue(tp, out var committed) && LogEnd.TryGetValue(tp, out var end) ? Math.Max(0, end - committed.Offset) : null;

    /// <summary>Every partition the group has an offset for or a member is assigned, sorted.</summary>
    public IReadOnlyList<TopicPartition> Partitions =>
        [.. Committed.Keys.Concat(Group.Members.SelectMany(m => m.Assignment)).Distinct().OrderBy(p => p.Topic, StringComparer.Ordinal).ThenBy(p => p.Partition)];

    public ConsumerGroupMemberInfo? Owner(TopicPartition tp) => Group.Members.FirstOrDefault(m => m.Assignment.Contains(tp));

    public static async Task<GroupState> LoadAsync(KafkaAdminClient admin, string groupId, CancellationToken ct)
    {
        var group = await ConsumerGroupInfo.DescribeAsync(admin, groupId, ct);
        var committed = await CommittedAsync(admin, groupId, ct);
        var partitions = committed.Keys.Concat(group.Members.SelectMany(m => m.Assignment)).Distinct().ToList();
        return new GroupState(group, committed, await LogEndAsync(admin, partitions, ct));
    }

    /// <summary>The partitions the group has a committed offset for (OffsetFetch answers -1 for none).</summary>
    public static async Task<Dictionary<TopicPartition, CommittedOffset>> CommittedAsync(KafkaAdminClient admin, string groupId, CancellationToken ct) =>
        (await admin.ListConsumerGroupOffsetsAsync(groupId, ct: ct))
            .Where(c => c.Value.Error is null && c.Value.Offset >= 0)
            .ToDictionary(c => c.Key, c => c.Value);

    public static async Task<Dictionary<TopicPartition, long>> LogEndAsync(KafkaAdminClient admin, IReadOnlyCollection<TopicPartition> partitions, CancellationToken ct) =>
        partitions.Count == 0
            ? []
            : (await admin.ListOffsetsAsync(partitions.ToDictionary(p => p, _ => OffsetSpec.Latest), ct: ct)).ToDictionary(o => o.Key, o => o.Value.Offset);
}
