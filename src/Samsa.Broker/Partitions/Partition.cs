using System.Collections.Immutable;
using Samsa.Metadata.Image;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Primitives;
using Samsa.Storage;
using Samsa.Storage.Files;

namespace Samsa.Broker.Partitions;

/// <summary>Leadership of a partition as the metadata log last said, one immutable snapshot.</summary>
public sealed record PartitionLeadership(int Leader, int LeaderEpoch, int PartitionEpoch, ImmutableArray<int> Replicas, ImmutableArray<int> Isr)
{
    public static readonly PartitionLeadership None = new(-1, -1, -1, [], []);
}

/// <summary>Up to where a fetch may read: followers to the log end, consumers to the high watermark or the last stable offset.</summary>
public enum FetchIsolation
{
    LogEnd,
    HighWatermark,
    TransactionCommitted,
}

/// <summary>What a read of one partition found: the error, the offsets the response carries, and the log bytes as file ranges.</summary>
public readonly record struct PartitionReadResult(ErrorCode Error, long HighWatermark, long LastStableOffset, long LogStartOffset, List<FileRange>? Ranges, int Bytes)
{
    public static PartitionReadResult Failed(ErrorCode error, long highWatermark = -1, long logStartOffset = -1) =>
        new(error, highWatermark, highWatermark, logStartOffset, null, 0);
}

/// <summary>
/// A partition hosted by this broker: its log and its replica state. As leader it appends producers' batches,
/// keeps the high watermark at the lowest log end offset of the in-sync replicas (with one replica: its own), and
/// wakes waiting fetches and acks=all produces through its <see cref="AppendSignal"/>. Followers' fetch states
/// (their log end offsets) slot in here when replication comes.
/// </summary>
public sealed class Partition
{
    private readonly int _localBrokerId;
    private readonly Dictionary<int, long> _followerEndOffsets = [];
    private readonly Lock _replicaLock = new();
    private volatile PartitionLeadership _leadership = PartitionLeadership.None;
    private volatile TopicSettings _settings;

    internal Partition(int localBrokerId, TopicPartition topicPartition, Uuid topicId, PartitionLog log, TopicSettings settings)
    {
        _localBrokerId = localBrokerId;
        TopicPartition = topicPartition;
        TopicId = topicId;
        Log = log;
        _settings = settings;
    }

    public TopicPartition TopicPartition { get; }

    public Uuid TopicId { get; }

    public PartitionLog Log { get; }

    public PartitionLeadership Leadership => _leadership;

    public TopicSettings Settings => _settings;

    public bool IsLeader => _leadership.Leader == _localBrokerId;

    public long HighWatermark => Log.HighWatermark;

    /// <summary>The last stable offset: the high watermark until transactions exist.</summary>
    public long LastStableOffset => Log.HighWatermark;

    public AppendSignal Changes { get; } = new();

    /// <summary>Kafka's check of a client's current leader epoch (-1 skips it).</summary>
    public ErrorCode CheckLeaderEpoch(int currentLeaderEpoch)
    {
        var epoch = _leadership.LeaderEpoch;
        return currentLeaderEpoch switch
        {
            -1 => ErrorCode.None,
            _ when currentLeaderEpoch < epoch => ErrorCode.FencedLeaderEpoch,
            _ when currentLeaderEpoch > epoch => ErrorCode.UnknownLeaderEpoch,
            _ => ErrorCode.None,
        };
    }

    /// <summary>
    /// Appends a producer's batches as leader, in place (offsets are patched into <paramref name="records"/>).
    /// With acks=all the in-sync replicas must number at least min.insync.replicas before anything is written.
    /// </summary>
    /// <exception cref="ReplicaException">Not the leader, or too few in-sync replicas.</exception>
    /// <exception cref="StorageException">The log refused or failed the append.</exception>
    public LogAppendInfo AppendAsLeader(Span<byte> records, short requiredAcks)
    {
        var leadership = _leadership;
        if (leadership.Leader != _localBrokerId)
        {
            throw new ReplicaException(ErrorCode.NotLeaderOrFollower, $"broker {_localBrokerId} is not the leader of {TopicPartition}");
        }

        var minIsr = _settings.MinInsyncReplicas;
        if (requiredAcks == -1 && leadership.Isr.Length < minIsr)
        {
            throw new ReplicaException(ErrorCode.NotEnoughReplicas, $"The size of the current ISR {leadership.Isr.Length} is insufficient to satisfy the min.isr requirement of {minIsr} for partition {TopicPartition}");
        }

        LogAppendInfo info;
        try
        {
            info = Log.AppendAsLeader(records, leadership.LeaderEpoch);
        }
        catch (ObjectDisposedException)
        {
            throw new ReplicaException(ErrorCode.NotLeaderOrFollower, $"{TopicPartition} is no longer hosted here");
        }

        MaybeIncrementHighWatermark();
        Changes.Notify();
        return info;
    }

    /// <summary>
    /// acks=all: completes when the high watermark has passed <paramref name="lastOffset"/> with enough in-sync
    /// replicas, or with REQUEST_TIMED_OUT / NOT_ENOUGH_REPLICAS_AFTER_APPEND. With one replica it completes at once.
    /// </summary>
    public async ValueTask<ErrorCode> WaitForAcksAsync(long lastOffset, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var changed = Changes.Next();
            if (!IsLeader)
            {
                return ErrorCode.NotLeaderOrFollower;
            }

            if (HighWatermark > lastOffset)
            {
                return _leadership.Isr.Length < _settings.MinInsyncReplicas ? ErrorCode.NotEnoughReplicasAfterAppend : ErrorCode.None;
            }

            var remaining = deadline - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero)
            {
                return ErrorCode.RequestTimedOut;
            }

            await changed.WaitAsync(remaining, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Reads whole batches from <paramref name="fetchOffset"/> for a fetch, bounded by <paramref name="isolation"/>
    /// and <paramref name="maxBytes"/> (the first batch even if larger when <paramref name="minOneBatch"/>). The ranges
    /// hold file references the caller releases.
    /// </summary>
    public PartitionReadResult Read(long fetchOffset, int maxBytes, bool minOneBatch, FetchIsolation isolation, int currentLeaderEpoch)
    {
        var leadership = _leadership;
        if (leadership.Leader != _localBrokerId)
        {
            return PartitionReadResult.Failed(ErrorCode.NotLeaderOrFollower);
        }

        var epochError = CheckLeaderEpoch(currentLeaderEpoch);
        if (epochError != ErrorCode.None)
        {
            return PartitionReadResult.Failed(epochError);
        }

        var highWatermark = HighWatermark;
        var lastStable = LastStableOffset;
        var upper = isolation switch
        {
            FetchIsolation.LogEnd => long.MaxValue,
            FetchIsolation.TransactionCommitted => lastStable,
            _ => highWatermark,
        };
        try
        {
            var ranges = new List<FileRange>(1);
            var info = Log.Read(fetchOffset, maxBytes, upper, minOneBatch, ranges);
            return new PartitionReadResult(ErrorCode.None, highWatermark, lastStable, info.LogStartOffset, ranges, info.Bytes);
        }
        catch (OffsetOutOfRangeException)
        {
            return PartitionReadResult.Failed(ErrorCode.OffsetOutOfRange, highWatermark, Log.LogStartOffset);
        }
        catch (KafkaStorageException)
        {
            return PartitionReadResult.Failed(ErrorCode.KafkaStorageError, highWatermark);
        }
        catch (ObjectDisposedException)
        {
            return PartitionReadResult.Failed(ErrorCode.NotLeaderOrFollower);
        }
    }

    /// <summary>Applies the metadata log's view of this partition (leader, epochs, replicas, ISR).</summary>
    internal void UpdateLeadership(PartitionRegistration registration)
    {
        var becameLeader = registration.Leader == _localBrokerId && _leadership.Leader != _localBrokerId;
        _leadership = new PartitionLeadership(registration.Leader, registration.LeaderEpoch, registration.PartitionEpoch, registration.Replicas, registration.Isr);
        if (becameLeader)
        {
            lock (_replicaLock)
            {
                _followerEndOffsets.Clear();
            }
        }

        if (registration.Leader == _localBrokerId)
        {
            MaybeIncrementHighWatermark();
        }

        Changes.Notify();
    }

    internal void UpdateSettings(TopicSettings settings) => _settings = settings;

    /// <summary>The high watermark moves up to the lowest log end offset of the in-sync replicas.</summary>
    private void MaybeIncrementHighWatermark()
    {
        var leadership = _leadership;
        var candidate = Log.LogEndOffset;
        lock (_replicaLock)
        {
            foreach (var replica in leadership.Isr)
            {
                if (replica != _localBrokerId)
                {
                    candidate = Math.Min(candidate, _followerEndOffsets.GetValueOrDefault(replica, Log.HighWatermark));
                }
            }
        }

        if (candidate > Log.HighWatermark)
        {
            Log.UpdateHighWatermark(candidate);
        }
    }

    public override string ToString() => $"{TopicPartition} (leader {_leadership.Leader}, epoch {_leadership.LeaderEpoch})";
}
