using Samsa.Protocol.Primitives;

namespace Samsa.GroupCoordinator.Consumer.Assignors;

/// <summary>
/// Kafka's server-side "range" assignor: per topic, each subscribed member gets a contiguous share
/// (partitions / members, the first members one more), keeping as much of its previous share as the quota allows
/// so that co-partitioned topics line up and movements are few.
/// </summary>
internal sealed class RangeAssignor : IConsumerGroupAssignor
{
    public const string AssignorName = "range";

    public string Name => AssignorName;

    public Dictionary<string, TopicPartitionSet> Assign(AssignmentSpec spec)
    {
        var result = new Dictionary<string, TopicPartitionSet>(StringComparer.Ordinal);
        foreach (var member in spec.Members)
        {
            result[member.MemberId] = new TopicPartitionSet();
        }

        foreach (var (topicId, partitionCount) in spec.PartitionCounts)
        {
            var subscribers = spec.Members.Where(m => m.Topics.Contains(topicId)).Select(m => m.MemberId).ToList();
            if (subscribers.Count == 0)
            {
                continue;
            }

            AssignTopic(topicId, partitionCount, subscribers, spec.CurrentTarget, result);
        }

        return result;
    }

    private static void AssignTopic(
        Uuid topicId,
        int partitionCount,
        List<string> subscribers,
        IReadOnlyDictionary<string, TopicPartitionSet> currentTarget,
        Dictionary<string, TopicPartitionSet> result)
    {
        var quota = partitionCount / subscribers.Count;
        var withExtra = partitionCount % subscribers.Count;
        var taken = new HashSet<int>();
        var unfilled = new List<(string MemberId, int Remaining)>();
        foreach (var memberId in subscribers)
        {
            var previous = currentTarget.TryGetValue(memberId, out var set) && set.Topics.TryGetValue(topicId, out var partitions)
                ? partitions.Where(p => p < partitionCount).OrderBy(p => p).ToList()
                : [];
            var retained = Math.Min(previous.Count, quota);
            for (var i = 0; i < retained; i++)
            {
                taken.Add(previous[i]);
                result[memberId].Add(topicId, previous[i]);
            }

            var remaining = quota - previous.Count;
            if (remaining < 0 && withExtra > 0)
            {
                // The member had more than its quota: it keeps one extra partition while extras last.
                withExtra--;
                taken.Add(previous[quota]);
                result[memberId].Add(topicId, previous[quota]);
            }
            else
            {
                unfilled.Add((memberId, Math.Max(remaining, 0)));
            }
        }

        var unassigned = Enumerable.Range(0, partitionCount).Where(p => !taken.Contains(p)).ToList();
        var next = 0;
        foreach (var (memberId, remainingQuota) in unfilled)
        {
            var remaining = remainingQuota;
            if (withExtra > 0)
            {
                remaining++;
                withExtra--;
            }

            for (var i = 0; i < remaining && next < unassigned.Count; i++)
            {
                result[memberId].Add(topicId, unassigned[next++]);
            }
        }
    }
}
