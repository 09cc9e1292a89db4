using Samsa.Metadata.Image;

namespace Samsa.Metadata.Controller;

/// <summary>Why replicas cannot be placed; the message is Kafka's, for INVALID_REPLICATION_FACTOR.</summary>
public sealed class ReplicaPlacementException(string message) : Exception(message)
{
    public ReplicaPlacementException()
        : this("replicas cannot be placed")
    {
    }

    public ReplicaPlacementException(string message, Exception inner)
        : this(message + ": " + inner.Message)
    {
    }
}

/// <summary>
/// Chooses replicas for new partitions: striped round-robin over the registered brokers, active (unfenced) ones
/// first, starting at a random broker so leaders spread, as Kafka's StripedReplicaPlacer does. Rack awareness
/// comes with multi-broker clusters.
/// </summary>
public static class ReplicaPlacer
{
    /// <exception cref="ReplicaPlacementException">Too few brokers are registered, or all are fenced.</exception>
    public static List<List<int>> Place(ClusterImage cluster, int numPartitions, short replicationFactor, Random? random = null)
    {
        var active = new List<int>();
        var fenced = new List<int>();
        foreach (var (id, broker) in cluster.Brokers)
        {
            (broker.IsActive ? active : fenced).Add(id);
        }

        var registered = active.Count + fenced.Count;
        if (active.Count == 0)
        {
            throw new ReplicaPlacementException("All brokers are currently fenced.");
        }

        if (replicationFactor > registered)
        {
            throw new ReplicaPlacementException($"The target replication factor of {replicationFactor} cannot be reached because only {registered} broker(s) are registered.");
        }

        var start = (random ?? Random.Shared).Next(active.Count);
        var result = new List<List<int>>(numPartitions);
        for (var p = 0; p < numPartitions; p++)
        {
            var replicas = new List<int>(replicationFactor);
            for (var i = 0; i < replicationFactor && i < active.Count; i++)
            {
                replicas.Add(active[(start + p + i) % active.Count]);
            }

            for (var i = 0; replicas.Count < replicationFactor; i++)
            {
                replicas.Add(fenced[(p + i) % fenced.Count]);
            }

            result.Add(replicas);
        }

        return result;
    }
}
