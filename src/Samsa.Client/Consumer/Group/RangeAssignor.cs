namespace Samsa.Client.Consumer.Group;

/// <summary>
/// Kafka's "range" assignor: for each topic, members subscribed to it (sorted by member id) get consecutive ranges of
/// its partitions; the first <c>partitions % members</c> members get one extra.
/// </summary>
public static class RangeAssignor
{
    public const string Name = "range";

    public static Dictionary<string, List<TopicPartition>> Assign(
        IReadOnlyDictionary<string, IReadOnlyList<string>> subscriptions, IReadOnlyDictionary<string, int> partitionCounts)
    {
        var result = subscriptions.Keys.ToDictionary(m => m, _ => new List<TopicPartition>(), StringComparer.Ordinal);
        foreach (var (topic, count) in partitionCounts.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            var members = subscriptions.Where(s => s.Value.Contains(topic)).Select(s => s.Key).Order(StringComparer.Ordinal).ToList();
            if (members.Count == 0)
            {
                continue;
            }

            var each = count / members.Count;
            var extra = count % members.Count;
            var next = 0;
            for (var i = 0; i < members.Count; i++)
            {
                var take = each + (i < extra ? 1 : 0);
                for (var p = next; p < next + take; p++)
                {
                    result[members[i]].Add(new TopicPartition(topic, p));
                }

                next += take;
            }
        }

        return result;
    }
}
