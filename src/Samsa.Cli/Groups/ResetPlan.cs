using Samsa.Client;
using Samsa.Client.Admin;

namespace Samsa.Cli.Groups;

/// <summary>Computes the new offset of each partition for a reset, kept between the log start and end as Kafka does.</summary>
internal static class ResetPlan
{
    public static async Task<SortedDictionary<TopicPartition, long>> ComputeAsync(
        KafkaAdminClient admin, IReadOnlyCollection<TopicPartition> partitions, ResetStrategy strategy, IReadOnlyDictionary<TopicPartition, long> committed, CancellationToken ct)
    {
        var earliest = await ListAsync(admin, partitions, OffsetSpec.Earliest, ct);
        var latest = await ListAsync(admin, partitions, OffsetSpec.Latest, ct);
        var byTime = strategy is ResetStrategy.ToTime time ? await ListAsync(admin, partitions, time.TimestampMs, ct) : null;
        var plan = new SortedDictionary<TopicPartition, long>(Comparer<TopicPartition>.Create(
            (a, b) => string.CompareOrdinal(a.Topic, b.Topic) is var c && c != 0 ? c : a.Partition.CompareTo(b.Partition)));
        foreach (var tp in partitions)
        {
            var current = committed.TryGetValue(tp, out var c) ? c : latest[tp];
            var target = strategy switch
            {
                ResetStrategy.Earliest => earliest[tp],
                ResetStrategy.Latest => latest[tp],
                ResetStrategy.Current => current,
                ResetStrategy.ToOffset o => o.Offset,
                ResetStrategy.ShiftBy s => current + s.Delta,
                ResetStrategy.ToTime => byTime![tp] >= 0 ? byTime[tp] : latest[tp],
                _ => throw new InvalidOperationException($"unknown strategy {strategy}"),
            };
            plan[tp] = Math.Clamp(target, earliest[tp], latest[tp]);
        }

        return plan;
    }

    private static async Task<Dictionary<TopicPartition, long>> ListAsync(KafkaAdminClient admin, IReadOnlyCollection<TopicPartition> partitions, long spec, CancellationToken ct) =>
        partitions.Count == 0
            ? []
            : (await admin.ListOffsetsAsync(partitions.ToDictionary(p => p, _ => spec), ct: ct)).ToDictionary(o => o.Key, o => o.Value.Offset);
}
