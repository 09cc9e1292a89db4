using Samsa.Protocol.Errors;
using Samsa.Protocol.Primitives;

namespace Samsa.Client.Metadata;

/// <summary>A broker as metadata describes it.</summary>
public sealed record BrokerNode(int NodeId, string Host, int Port, string? Rack)
{
    public override string ToString() => $"{Host}:{Port} (id {NodeId})";
}

/// <summary>One partition: its leader (-1 when none), leader epoch, replicas, in-sync replicas and offline replicas.</summary>
public sealed record PartitionMetadata(
    int Partition,
    int Leader,
    int LeaderEpoch,
    IReadOnlyList<int> Replicas,
    IReadOnlyList<int> Isr,
    IReadOnlyList<int> OfflineReplicas,
    ErrorCode Error);

/// <summary>One topic: its id (zero when the broker predates topic ids), partitions in partition order, and error.</summary>
public sealed record TopicMetadata(string Name, Uuid TopicId, bool IsInternal, IReadOnlyList<PartitionMetadata> Partitions, ErrorCode Error)
{
    /// <summary>The partition with index <paramref name="partition"/>, or null.</summary>
    public PartitionMetadata? GetPartition(int partition) =>
        partition >= 0 && partition < Partitions.Count && Partitions[partition].Partition == partition
            ? Partitions[partition]
            : Partitions.FirstOrDefault(p => p.Partition == partition);
}

/// <summary>An immutable snapshot of what the cluster told the client: brokers, controller, cluster id and topics.</summary>
public sealed class ClusterMetadata
{
    private readonly Dictionary<Uuid, TopicMetadata> _byId;

    public ClusterMetadata(
        string? clusterId,
        int controllerId,
        IReadOnlyDictionary<int, BrokerNode> brokers,
        IReadOnlyDictionary<string, TopicMetadata> topics,
        long fetchedAt)
    {
        ClusterId = clusterId;
        ControllerId = controllerId;
        Brokers = brokers;
        Topics = topics;
        FetchedAt = fetchedAt;
        _byId = [];
        foreach (var topic in topics.Values)
        {
            if (topic.TopicId != Uuid.Zero)
            {
                _byId[topic.TopicId] = topic;
            }
        }
    }

    public static ClusterMetadata Empty { get; } = new(null, -1, new Dictionary<int, BrokerNode>(), new Dictionary<string, TopicMetadata>(), 0);

    public string? ClusterId { get; }

    /// <summary>The active controller's node id (-1 when unknown).</summary>
    public int ControllerId { get; }

    public IReadOnlyDictionary<int, BrokerNode> Brokers { get; }

    public IReadOnlyDictionary<string, TopicMetadata> Topics { get; }

    /// <summary>When this was fetched (<see cref="System.Diagnostics.Stopwatch"/> timestamp).</summary>
    public long FetchedAt { get; }

    public TopicMetadata? GetTopic(string name) => Topics.GetValueOrDefault(name);

    public TopicMetadata? GetTopic(Uuid id) => _byId.GetValueOrDefault(id);

    /// <summary>The leader of a partition, or -1 when unknown.</summary>
    public int LeaderFor(string topic, int partition) => GetTopic(topic)?.GetPartition(partition)?.Leader ?? -1;
}
