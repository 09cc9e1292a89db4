using Samsa.Protocol.Primitives;

namespace Samsa.GroupCoordinator.Consumer.Assignors;

/// <summary>
/// Kafka's default server-side "uniform" assignor, as a sticky balancer: partitions spread so member counts differ
/// by at most one among the members that could take them, keeping each member's previous partitions where balance
/// allows. Works for identical and for different subscriptions.
/// </summary>
internal sealed class UniformAssignor : IConsumerGroupAssignor
{
    public const string AssignorName = "uniform";

    public string Name => AssignorName;

    public Dictionary<string, TopicPartitionSet> Assign(AssignmentSpec spec)
    {
        var result = new Dictionary<string, TopicPartitionSet>(StringComparer.Ordinal);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var member in spec.Members)
        {
            result[member.MemberId] = new TopicPartitionSet();
            counts[member.MemberId] = 0;
        }

        var eligible = new Dictionary<Uuid, List<AssignmentMember>>();
        foreach (var topicId in spec.PartitionCounts.Keys)
        {
            eligible[topicId] = spec.Members.Where(m => m.Topics.Contains(topicId)).ToList();
        }

        // 1. Keep previous partitions that are still valid, up to a fair share of what the member can take.
        var owner = new Dictionary<(Uuid, int), string>();
        foreach (var member in spec.Members)
        {
            if (!spec.CurrentTarget.TryGetValue(member.MemberId, out var previous))
            {
                continue;
            }

            var cap = FairShareCap(member, spec, eligible);
            foreach (var (topicId, partition) in previous.All())
            {
                if (counts[member.MemberId] >= cap)
                {
                    break;
                }

                if (member.Topics.Contains(topicId) && spec.PartitionCounts.TryGetValue(topicId, out var count) && partition < count && owner.TryAdd((topicId, partition), member.MemberId))
                {
                    result[member.MemberId].Add(topicId, partition);
                    counts[member.MemberId]++;
                }
            }
        }

        // 2. Hand out the rest, the most constrained partitions first, each to the least loaded eligible member.
        var unassigned = new List<(Uuid TopicId, int Partition)>();
        foreach (var (topicId, count) in spec.PartitionCounts)
        {
            for (var p = 0; p < count; p++)
            {
                if (!owner.ContainsKey((topicId, p)) && eligible[topicId].Count > 0)
                {
                    unassigned.Add((topicId, p));
                }
            }
        }

        foreach (var (topicId, partition) in unassigned.OrderBy(tp => eligible[tp.TopicId].Count).ThenBy(tp => tp.Partition).ThenBy(tp => tp.TopicId.MostSignificantBits).ThenBy(tp => tp.TopicId.LeastSignificantBits))
        {
            var target = LeastLoaded(eligible[topicId], counts);
            owner[(topicId, partition)] = target;
            result[target].Add(topicId, partition);
            counts[target]++;
        }

        // 3. Balance: move partitions from members with at least two more than an eligible peer.
        Balance(spec, eligible, owner, result, counts);
        return result;
    }

    private static int FairShareCap(AssignmentMember member, AssignmentSpec spec, Dictionary<Uuid, List<AssignmentMember>> eligible)
    {
        // With identical subscriptions this is ceil(partitions / members); otherwise the balance step evens out.
        var reachable = 0;
        var peers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var topicId in member.Topics)
        {
            if (spec.PartitionCounts.TryGetValue(topicId, out var count))
            {
                reachable += count;
                foreach (var peer in eligible[topicId])
                {
                    peers.Add(peer.MemberId);
                }
            }
        }

        return peers.Count == 0 ? 0 : (reachable + peers.Count - 1) / peers.Count;
    }

    private static string LeastLoaded(List<AssignmentMember> candidates, Dictionary<string, int> counts)
    {
        var best = candidates[0].MemberId;
        foreach (var candidate in candidates)
        {
            if (counts[candidate.MemberId] < counts[best])
            {
                best = candidate.MemberId;
            }
        }

        return best;
    }

    private static void Balance(
        AssignmentSpec spec,
        Dictionary<Uuid, List<AssignmentMember>> eligible,
        Dictionary<(Uuid, int), string> owner,
        Dictionary<string, TopicPartitionSet> result,
        Dictionary<string, int> counts)
    {
        var maxMoves = owner.Count * Math.Max(1, spec.Members.Count);
        for (var moves = 0; moves < maxMoves; moves++)
        {
            var moved = false;
            foreach (var member in spec.Members.OrderByDescending(m => counts[m.MemberId]).ThenBy(m => m.MemberId, StringComparer.Ordinal))
            {
                foreach (var (topicId, partition) in result[member.MemberId].All().Reverse().ToList())
                {
                    var target = LeastLoaded(eligible[topicId], counts);
                    if (counts[target] + 1 < counts[member.MemberId])
                    {
                        result[member.MemberId].Remove(topicId, partition);
                        result[target].Add(topicId, partition);
                        owner[(topicId, partition)] = target;
                        counts[member.MemberId]--;
                        counts[target]++;
                        moved = true;
                        break;
                    }
                }

                if (moved)
                {
                    break;
                }
            }

            if (!moved)
            {
                return;
            }
        }
    }
}
