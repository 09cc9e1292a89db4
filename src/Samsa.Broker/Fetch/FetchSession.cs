using Samsa.Protocol.Primitives;

namespace Samsa.Broker.Fetch;

/// <summary>A partition of a fetch, keyed by topic id (Fetch v13+) or by topic name (older versions).</summary>
public readonly record struct FetchPartitionKey(Uuid TopicId, string? TopicName, int Partition)
{
    public override string ToString() => $"{TopicName ?? TopicId.ToString()}-{Partition}";
}

/// <summary>
/// A partition in a fetch: what the client asked for (offset, byte limit, its leader epoch) and, inside a session,
/// what the last response told it, so an incremental response can leave it out when nothing changed.
/// </summary>
public sealed class FetchPartitionState(FetchPartitionKey key)
{
    public FetchPartitionKey Key { get; } = key;

    public long FetchOffset { get; set; }

    public int MaxBytes { get; set; }

    public int CurrentLeaderEpoch { get; set; } = -1;

    /// <summary>The follower's log start offset (Fetch v5+); -1 for consumers.</summary>
    public long LogStartOffset { get; set; } = -1;

    public long SentHighWatermark { get; set; } = -1;

    public long SentLastStableOffset { get; set; } = -1;

    public long SentLogStartOffset { get; set; } = -1;

    /// <summary>Whether a response must carry this partition, and remembers what it carries.</summary>
    public bool MustRespond(short error, long highWatermark, long lastStableOffset, long logStartOffset, int bytes)
    {
        var changed = bytes > 0 || error != 0
            || highWatermark != SentHighWatermark
            || lastStableOffset != SentLastStableOffset
            || logStartOffset != SentLogStartOffset;
        SentHighWatermark = highWatermark;
        SentLastStableOffset = lastStableOffset;
        SentLogStartOffset = logStartOffset;
        return changed;
    }
}

/// <summary>
/// An incremental fetch session (KIP-227): the partitions a client fetches, kept between requests so it sends only
/// what changed and gets back only what changed. <see cref="Epoch"/> is the epoch the next request must carry.
/// </summary>
public sealed class FetchSession
{
    private readonly LinkedList<FetchPartitionState> _order = new();
    private readonly Dictionary<FetchPartitionKey, LinkedListNode<FetchPartitionState>> _byKey = [];

    internal FetchSession(int id, bool usesTopicIds, long nowMs)
    {
        Id = id;
        UsesTopicIds = usesTopicIds;
        Epoch = 1;
        LastUsedMs = nowMs;
    }

    public int Id { get; }

    public bool UsesTopicIds { get; }

    public int Epoch { get; private set; }

    public long LastUsedMs { get; internal set; }

    public int PartitionCount => _byKey.Count;

    /// <summary>The session's partitions in fetch order (ones that returned data move to the back, for fairness).</summary>
    public IReadOnlyCollection<FetchPartitionState> Partitions => _order;

    /// <summary>Serialises requests of one session (a client never overlaps them, but nothing here relies on that).</summary>
    internal Lock Gate { get; } = new();

    /// <summary>Next epoch after a successful incremental fetch; it wraps to 1, never to 0 or -1.</summary>
    internal void AdvanceEpoch() => Epoch = Epoch == int.MaxValue ? 1 : Epoch + 1;

    internal void AddOrUpdate(FetchPartitionState requested)
    {
        if (_byKey.TryGetValue(requested.Key, out var node))
        {
            node.Value.FetchOffset = requested.FetchOffset;
            node.Value.MaxBytes = requested.MaxBytes;
            node.Value.CurrentLeaderEpoch = requested.CurrentLeaderEpoch;
            node.Value.LogStartOffset = requested.LogStartOffset;
            return;
        }

        _byKey[requested.Key] = _order.AddLast(requested);
    }

    internal void Remove(FetchPartitionKey key)
    {
        if (_byKey.Remove(key, out var node))
        {
            _order.Remove(node);
        }
    }

    internal void MoveToBack(FetchPartitionKey key)
    {
        if (_byKey.TryGetValue(key, out var node) && node != _order.Last)
        {
            _order.Remove(node);
            _order.AddLast(node);
        }
    }
}
