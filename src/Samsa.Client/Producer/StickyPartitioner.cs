using Samsa.Client.Metadata;

namespace Samsa.Client.Producer;

/// <summary>
/// Kafka's sticky partitioner for records without a key (KIP-480): every such record of a topic goes to one partition
/// until a new batch has to be opened there, then a new partition is picked at random among those with a leader
/// (a different one when there is a choice), so batches fill up instead of being spread thin.
/// </summary>
internal static class StickyPartitioner
{
    public static int Current(TopicState state, TopicMetadata metadata)
    {
        var current = Volatile.Read(ref state.StickyPartition);
        return current >= 0 && current < metadata.Partitions.Count ? current : OnNewBatch(state, metadata, current);
    }

    /// <summary>Moves the topic's sticky partition on from <paramref name="previous"/> (unless another thread already did).</summary>
    public static int OnNewBatch(TopicState state, TopicMetadata metadata, int previous)
    {
        var next = Pick(metadata, previous);
        var seen = Interlocked.CompareExchange(ref state.StickyPartition, next, previous);
        return seen == previous || seen < 0 || seen >= metadata.Partitions.Count ? next : seen;
    }

    private static int Pick(TopicMetadata metadata, int previous)
    {
        var partitions = metadata.Partitions;
        var available = 0;
        foreach (var p in partitions)
        {
            if (p.Leader >= 0 && p.Partition != previous)
            {
                available++;
            }
        }

        if (available == 0)
        {
            return partitions.Count == 1 || previous < 0 ? Random.Shared.Next(partitions.Count) : previous;
        }

        var choice = Random.Shared.Next(available);
        foreach (var p in partitions)
        {
            if (p.Leader >= 0 && p.Partition != previous && choice-- == 0)
            {
                return p.Partition;
            }
        }

        return previous;
    }
}
