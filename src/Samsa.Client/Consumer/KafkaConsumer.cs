using System.Diagnostics;
using Samsa.Client.Configuration;
using Samsa.Client.Metadata;
using Samsa.Client.Network;
using Samsa.Protocol.Records;

namespace Samsa.Client.Consumer;

/// <summary>
/// Reads records from any Kafka-protocol broker with manual assignment: <see cref="Assign"/> partitions, optionally
/// seek (to an offset, the beginning, the end or a timestamp), then <see cref="ConsumeAsync(TimeSpan, CancellationToken)"/>.
/// Fetching runs ahead in the background (prefetch) with <c>fetch.min.bytes</c>, <c>fetch.max.wait.ms</c>,
/// <c>fetch.max.bytes</c> and <c>max.partition.fetch.bytes</c>; compressed batches are decompressed here; control
/// batches are skipped, and with <c>isolation.level=read_committed</c> aborted transactions too. Partitions without a
/// position, or whose position fell out of range, move per <c>auto.offset.reset</c>.
/// </summary>
/// <remarks>
/// Use one consumer from one thread at a time, as with Kafka's consumer. <see cref="Subscribe"/> makes it a member of
/// the classic group <c>group.id</c>: the group's assignment then drives the same state <see cref="Assign"/> sets.
/// </remarks>
public sealed partial class KafkaConsumer : IAsyncDisposable
{
    private readonly ConsumerConfig _config;
    private readonly ConnectionPool _pool;
    private readonly MetadataManager _metadata;
    private readonly OffsetLookup _offsets;
    private readonly SubscriptionState _subscription = new();
    private readonly Fetcher _fetcher;
    private readonly RecordBatchReader _reader = new();
    private readonly RecordCollector _collector = new();
    private CompletedFetch? _current;
    private int _disposed;

    public KafkaConsumer(ConsumerConfig config)
    {
        config.Validate();
        _config = config;
        _pool = new ConnectionPool(config);
        _metadata = new MetadataManager(_pool, config, config.AllowAutoCreateTopics);
        _offsets = new OffsetLookup(_pool, _metadata, config);
        _fetcher = new Fetcher(config, _pool, _metadata, _offsets, _subscription);
    }

    /// <summary>The partitions assigned to this consumer.</summary>
    public IReadOnlyCollection<TopicPartition> Assignment => _subscription.Assignment;

    /// <summary>The cluster as this consumer last saw it.</summary>
    public ClusterMetadata Metadata => _metadata.Current;

    /// <summary>
    /// Replaces the assignment. New partitions start per <c>auto.offset.reset</c> unless sought before the first
    /// consume; partitions that stay keep their positions.
    /// </summary>
    public void Assign(IEnumerable<TopicPartition> partitions)
    {
        var list = partitions.ToList();
        _metadata.Track(list.Select(p => p.Topic));
        _subscription.Assign(list, _config.AutoOffsetReset);
        if (_current is not null && _subscription.Get(_current.Partition) is null)
        {
            DropCurrent();
        }

        _fetcher.Wake();
    }

    public void Unassign() => Assign([]);

    /// <summary>The next offset <see cref="ConsumeAsync(TimeSpan, CancellationToken)"/> returns for the partition, or null when not known yet.</summary>
    public long? Position(TopicPartition partition)
    {
        lock (_subscription.Lock)
        {
            var state = _subscription.GetRequired(partition);
            return state.Position >= 0 && state.PendingOffsetSpec is null && state.PendingReset is null ? state.Position : null;
        }
    }

    /// <summary>The high watermark of the partition as of the last fetch (-1 before any).</summary>
    public long HighWatermark(TopicPartition partition)
    {
        lock (_subscription.Lock)
        {
            return _subscription.GetRequired(partition).HighWatermark;
        }
    }

    public void Seek(TopicPartition partition, long offset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        _subscription.Seek(partition, offset);
        _fetcher.Wake();
    }

    public void SeekToBeginning(IEnumerable<TopicPartition> partitions) => SeekToSpec(partitions, OffsetSpec.Earliest);

    public void SeekToEnd(IEnumerable<TopicPartition> partitions) => SeekToSpec(partitions, OffsetSpec.Latest);

    /// <summary>
    /// Moves each partition to the first offset whose timestamp is at or after the given one (ListOffsets by time);
    /// a partition with no such record moves to its end. Returns the offsets found (null where none).
    /// </summary>
    public async Task<IReadOnlyDictionary<TopicPartition, long?>> SeekToTimestampAsync(IReadOnlyDictionary<TopicPartition, long> timestamps, CancellationToken ct = default)
    {
        var found = await _offsets.ListAsync(timestamps, _config.IsolationLevel, ct).ConfigureAwait(false);
        var result = new Dictionary<TopicPartition, long?>();
        foreach (var (tp, listed) in found)
        {
            if (listed.Offset >= 0)
            {
                _subscription.Seek(tp, listed.Offset);
                result[tp] = listed.Offset;
            }
            else
            {
                _subscription.RequestOffsetSpec(tp, OffsetSpec.Latest);
                result[tp] = null;
            }
        }

        _fetcher.Wake();
        return result;
    }

    /// <summary>Waits until every assigned partition has a position (resolving auto.offset.reset and pending seeks).</summary>
    public async Task WaitForPositionsAsync(CancellationToken ct = default)
    {
        var deadline = Stopwatch.GetTimestamp() + ((long)_config.DefaultApiTimeoutMs * Stopwatch.Frequency / 1000);
        while (true)
        {
            ThrowIfFailed();
            var ready = true;
            lock (_subscription.Lock)
            {
                foreach (var state in _subscription.Snapshot())
                {
                    ready &= state.PendingOffsetSpec is null && state.PendingReset is null && state.Position >= 0;
                }
            }

            if (ready)
            {
                return;
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new Errors.KafkaTimeoutException($"positions were not resolved within default.api.timeout.ms ({_config.DefaultApiTimeoutMs} ms)");
            }

            _fetcher.Wake();
            await Task.Delay(10, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Returns up to <c>max.poll.records</c> records, waiting up to <paramref name="timeout"/> for the first; empty when
    /// none came. Errors of the assigned partitions (OFFSET_OUT_OF_RANGE with auto.offset.reset=none) throw here.
    /// </summary>
    public async Task<IReadOnlyList<ConsumerRecord>> ConsumeAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        _collector.Records = new List<ConsumerRecord>();
        await ConsumeAsync(_collector, timeout, ct).ConfigureAwait(false);
        var records = _collector.Records;
        _collector.Records = null;
        return records;
    }

    /// <summary>
    /// Hands up to <c>max.poll.records</c> records to <paramref name="handler"/> as views into the fetched bytes
    /// (nothing copied or allocated per record), waiting up to <paramref name="timeout"/> for the first; returns how many.
    /// </summary>
    public async Task<int> ConsumeAsync(IRecordHandler handler, TimeSpan timeout, CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        if (_group is not null)
        {
            await PollGroupAsync(ct).ConfigureAwait(false);
        }

        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            ThrowIfFailed();
            var count = Drain(handler, _config.MaxPollRecords);
            if (count > 0)
            {
                return count;
            }

            var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
            if (left <= TimeSpan.Zero)
            {
                return 0;
            }

            using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
            wait.CancelAfter(left);
            try
            {
                await _fetcher.Completed.WaitToReadAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                return 0;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await CloseGroupAsync().ConfigureAwait(false);
        DropCurrent();
        await _fetcher.DisposeAsync().ConfigureAwait(false);
        await _pool.DisposeAsync().ConfigureAwait(false);
        _metadata.Dispose();
        _reader.Dispose();
    }

    private void SeekToSpec(IEnumerable<TopicPartition> partitions, long spec)
    {
        foreach (var tp in partitions)
        {
            _subscription.RequestOffsetSpec(tp, spec);
        }

        _fetcher.Wake();
    }

    private void ThrowIfFailed()
    {
        if (_fetcher.FatalError is { } fatal)
        {
            throw fatal;
        }

        lock (_subscription.Lock)
        {
            foreach (var state in _subscription.Snapshot())
            {
                if (state.Error is { } error)
                {
                    throw error;
                }
            }
        }
    }

    private int Drain(IRecordHandler handler, int max)
    {
        var total = 0;
        while (total < max)
        {
            if (_current is null && !_fetcher.Completed.TryRead(out _current))
            {
                break;
            }

            var fetch = _current;
            PartitionState? state;
            long position;
            lock (_subscription.Lock)
            {
                state = _subscription.Get(fetch.Partition);
                position = state?.Position ?? -1;
                if (state is null || state.Epoch != fetch.Epoch)
                {
                    state = null;
                }
            }

            if (state is null)
            {
                DropCurrent();
                continue;
            }

            try
            {
                total += fetch.Read(handler, max - total, ref position, _reader, _config);
            }
            finally
            {
                lock (_subscription.Lock)
                {
                    if (state.Epoch == fetch.Epoch)
                    {
                        state.Position = position;
                    }
                }
            }

            if (fetch.IsExhausted)
            {
                DropCurrent();
            }
        }

        return total;
    }

    private void DropCurrent()
    {
        var fetch = _current;
        if (fetch is null)
        {
            return;
        }

        _current = null;
        fetch.Release();
        lock (_subscription.Lock)
        {
            if (_subscription.Get(fetch.Partition) is { } state && state.Buffered > 0)
            {
                state.Buffered--;
            }
        }

        _fetcher.Wake();
    }

    private sealed class RecordCollector : IRecordHandler
    {
        public List<ConsumerRecord>? Records { get; set; }

        public void OnRecord(in ConsumedRecord record) => Records!.Add(record.ToConsumerRecord());
    }
}
