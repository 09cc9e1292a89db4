using Microsoft.Extensions.Logging;
using Samsa.GroupCoordinator.Classic;
using Samsa.GroupCoordinator.Consumer;
using Samsa.GroupCoordinator.Offsets;
using Samsa.GroupCoordinator.Records;
using Samsa.GroupCoordinator.Runtime;
using Samsa.Protocol.Errors;

namespace Samsa.GroupCoordinator;

/// <summary>Where a shard is in its life: loading its partition, serving, or gone (resigned or replaced).</summary>
internal enum ShardStatus
{
    Loading,
    Active,
    Closed,
}

/// <summary>
/// The state of the groups of one <c>__consumer_offsets</c> partition while this broker leads it: classic and
/// consumer groups, committed offsets, timers. One lock guards everything; writes are appended under it (so the
/// log order is the order of the state changes) and their responses complete when the log says they are durable.
/// </summary>
internal sealed partial class GroupCoordinatorShard : IDisposable
{
    private readonly Lock _lock = new();
    private readonly ICoordinatorLog _log;
    private readonly ITopicMetadata _topics;
    private readonly ITransactionalOffsetsView? _transactionalOffsets;
    private readonly ILogger _logger;
    private readonly Dictionary<string, Group> _groups = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<TopicPartitionKey, CommittedOffset>> _offsets = new(StringComparer.Ordinal);
    private readonly ShardTimer _expiryTimer;

    public GroupCoordinatorShard(
        int partition,
        int leaderEpoch,
        GroupCoordinatorConfig config,
        ICoordinatorLog log,
        ITopicMetadata topics,
        ITransactionalOffsetsView? transactionalOffsets,
        TimeProvider time,
        ILogger logger)
    {
        Partition = partition;
        LeaderEpoch = leaderEpoch;
        Config = config;
        _log = log;
        _topics = topics;
        _transactionalOffsets = transactionalOffsets;
        Time = time;
        _logger = logger;
        _expiryTimer = new ShardTimer(this);
    }

    public int Partition { get; }

    public int LeaderEpoch { get; }

    public GroupCoordinatorConfig Config { get; }

    public TimeProvider Time { get; }

    public ShardStatus Status { get; private set; } = ShardStatus.Loading;

    public long NowMs => Time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Why this shard cannot serve a request now, or null.</summary>
    private ErrorCode? Unavailable => Status switch
    {
        ShardStatus.Active => null,
        ShardStatus.Loading => ErrorCode.CoordinatorLoadInProgress,
        _ => ErrorCode.NotCoordinator,
    };

    /// <summary>Ends loading: timers start for every loaded member and the offset expiry check is scheduled.</summary>
    public void Activate()
    {
        lock (_lock)
        {
            if (Status != ShardStatus.Loading)
            {
                return;
            }

            Status = ShardStatus.Active;
            foreach (var group in _groups.Values)
            {
                if (group is ClassicGroup classic)
                {
                    OnClassicGroupLoaded(classic);
                }
                else if (group is ConsumerGroup consumer)
                {
                    OnConsumerGroupLoaded(consumer);
                }
            }

            ScheduleOffsetExpiry();
        }
    }

    /// <summary>Stops serving: every waiting request gets NOT_COORDINATOR and every timer stops.</summary>
    public void Close()
    {
        lock (_lock)
        {
            if (Status == ShardStatus.Closed)
            {
                return;
            }

            Status = ShardStatus.Closed;
            _expiryTimer.Dispose();
            foreach (var group in _groups.Values)
            {
                if (group is ClassicGroup classic)
                {
                    FailClassicWaiters(classic, ErrorCode.NotCoordinator);
                    DisposeClassicTimers(classic);
                }
                else if (group is ConsumerGroup consumer)
                {
                    DisposeConsumerTimers(consumer);
                }
            }
        }
    }

    public void Dispose() => Close();

    /// <summary>Runs a timer's expiry under the lock, if the shard still serves.</summary>
    internal void RunTimer(ShardTimer timer)
    {
        lock (_lock)
        {
            if (Status != ShardStatus.Active)
            {
                return;
            }

            try
            {
                timer.ExpireIfDue();
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "Group coordinator timer failed on __consumer_offsets-{Partition}", Partition);
            }
        }
    }

    /// <summary>Appends records as one batch. Call under the lock, so log order is state order.</summary>
    private Task<long> Append(List<CoordinatorRecord> records)
    {
        var batch = CoordinatorBatchWriter.Build(records, NowMs);
        try
        {
            return _log.AppendAsync(Partition, LeaderEpoch, batch, CancellationToken.None).AsTask();
        }
        catch (Exception ex)
        {
            return Task.FromException<long>(ex);
        }
    }

    /// <summary>Waits for a write outside the lock, then runs <paramref name="onDone"/> under it with the mapped error.</summary>
    private async Task AfterWriteAsync(Task<long> write, Action<ErrorCode, long> onDone)
    {
        var error = ErrorCode.None;
        long offset = -1;
        try
        {
            offset = await write.ConfigureAwait(false);
        }
        catch (KafkaErrorException ex)
        {
            error = ex.ErrorCode;
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Write to __consumer_offsets-{Partition} failed", Partition);
            error = ErrorCode.UnknownServerError;
        }

        lock (_lock)
        {
            onDone(error, offset);
        }
    }

    /// <summary>Kafka's translation of append errors into group coordinator errors.</summary>
    internal static ErrorCode MapAppendError(ErrorCode error) => error switch
    {
        ErrorCode.UnknownTopicOrPartition or ErrorCode.NotEnoughReplicas or ErrorCode.NotEnoughReplicasAfterAppend or ErrorCode.RequestTimedOut
            => ErrorCode.CoordinatorNotAvailable,
        ErrorCode.NotLeaderOrFollower or ErrorCode.KafkaStorageError => ErrorCode.NotCoordinator,
        ErrorCode.MessageTooLarge or ErrorCode.RecordListTooLarge or ErrorCode.InvalidFetchSize => ErrorCode.UnknownServerError,
        _ => error,
    };

    private Group? FindGroup(string groupId) => _groups.GetValueOrDefault(groupId);

    private void RemoveGroup(string groupId)
    {
        if (_groups.Remove(groupId, out var group))
        {
            if (group is ClassicGroup classic)
            {
                DisposeClassicTimers(classic);
            }
            else if (group is ConsumerGroup consumer)
            {
                DisposeConsumerTimers(consumer);
            }
        }
    }

    // Test and diagnostics views (under the lock).
    internal Group? GroupForTests(string groupId)
    {
        lock (_lock)
        {
            return FindGroup(groupId);
        }
    }

    internal int GroupCount
    {
        get
        {
            lock (_lock)
            {
                return _groups.Count;
            }
        }
    }

    internal int OffsetCount
    {
        get
        {
            lock (_lock)
            {
                var count = 0;
                foreach (var offsets in _offsets.Values)
                {
                    count += offsets.Count;
                }

                return count;
            }
        }
    }
}
