using Samsa.Client.Configuration;

namespace Samsa.Client.Consumer;

/// <summary>The consumer's per-partition state: where the application is, where fetching is, and whether a reset is needed.</summary>
internal sealed class PartitionState(TopicPartition partition)
{
    public TopicPartition Partition { get; } = partition;

    /// <summary>The next offset the application gets; -1 until known.</summary>
    public long Position { get; set; } = -1;

    /// <summary>The next offset to fetch (ahead of <see cref="Position"/> while fetched data is buffered).</summary>
    public long FetchPosition { get; set; } = -1;

    /// <summary>Bumped by every seek and reset: fetched data of an older epoch is dropped.</summary>
    public int Epoch { get; set; }

    /// <summary>How to find a position: set when none is known or the old one fell out of range.</summary>
    public AutoOffsetReset? PendingReset { get; set; }

    /// <summary>A position given by timestamp or spec waiting for ListOffsets (set by seeks to beginning/end).</summary>
    public long? PendingOffsetSpec { get; set; }

    public bool FetchInFlight { get; set; }

    /// <summary>Fetched responses for this partition waiting for the application.</summary>
    public int Buffered { get; set; }

    public long HighWatermark { get; set; } = -1;

    public long LogStartOffset { get; set; } = -1;

    public long LastStableOffset { get; set; } = -1;

    /// <summary>A fatal error for the application (OFFSET_OUT_OF_RANGE with auto.offset.reset=none).</summary>
    public Exception? Error { get; set; }

    public bool IsFetchable => PendingReset is null && PendingOffsetSpec is null && FetchPosition >= 0 && Error is null;

    /// <summary>The fetch position has reached the high watermark of the last response: a fetch would wait for new records.</summary>
    public bool IsCaughtUp => HighWatermark >= 0 && FetchPosition >= HighWatermark;
}

/// <summary>
/// The assigned partitions and their positions. Manual assignment drives it now; the group membership client
/// (JoinGroup/SyncGroup, or KIP-848 heartbeats) will drive the same <see cref="Assign"/> on each rebalance.
/// </summary>
internal sealed class SubscriptionState
{
    private readonly Dictionary<TopicPartition, PartitionState> _partitions = [];

    public Lock Lock { get; } = new();

    /// <summary>Bumped on every assignment change, so the fetcher notices.</summary>
    public int Version { get; private set; }

    public IReadOnlyCollection<TopicPartition> Assignment
    {
        get
        {
            lock (Lock)
            {
                return [.. _partitions.Keys];
            }
        }
    }

    public void Assign(IEnumerable<TopicPartition> partitions, AutoOffsetReset reset)
    {
        lock (Lock)
        {
            var wanted = partitions.ToHashSet();
            foreach (var tp in _partitions.Keys.ToArray())
            {
                if (!wanted.Contains(tp))
                {
                    _partitions[tp].Epoch++;
                    _partitions.Remove(tp);
                }
            }

            foreach (var tp in wanted)
            {
                if (!_partitions.ContainsKey(tp))
                {
                    _partitions[tp] = new PartitionState(tp) { PendingReset = reset };
                }
            }

            Version++;
        }
    }

    public PartitionState? Get(TopicPartition tp)
    {
        lock (Lock)
        {
            return _partitions.GetValueOrDefault(tp);
        }
    }

    public PartitionState GetRequired(TopicPartition tp) =>
        Get(tp) ?? throw new InvalidOperationException($"partition {tp} is not assigned to this consumer");

    /// <summary>A snapshot of the states, for the fetcher to walk (the states themselves are read under <see cref="Lock"/>).</summary>
    public PartitionState[] Snapshot()
    {
        lock (Lock)
        {
            return [.. _partitions.Values];
        }
    }

    /// <summary>Moves a partition to <paramref name="offset"/>: buffered data is dropped, fetching restarts there.</summary>
    public void Seek(TopicPartition tp, long offset)
    {
        lock (Lock)
        {
            var state = _partitions.GetValueOrDefault(tp) ?? throw new InvalidOperationException($"partition {tp} is not assigned to this consumer");
            state.Epoch++;
            state.Position = offset;
            state.FetchPosition = offset;
            state.PendingReset = null;
            state.PendingOffsetSpec = null;
            state.Error = null;
            Version++;
        }
    }

    /// <summary>Asks the fetcher to move the partition to an offset found by ListOffsets.</summary>
    public void RequestOffsetSpec(TopicPartition tp, long spec)
    {
        lock (Lock)
        {
            var state = _partitions.GetValueOrDefault(tp) ?? throw new InvalidOperationException($"partition {tp} is not assigned to this consumer");
            state.Epoch++;
            state.PendingOffsetSpec = spec;
            state.Error = null;
            Version++;
        }
    }
}
