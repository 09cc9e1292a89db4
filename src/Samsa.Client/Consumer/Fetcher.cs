using System.Threading.Channels;
using Samsa.Client.Configuration;
using Samsa.Client.Errors;
using Samsa.Client.Metadata;
using Samsa.Client.Network;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;
using Samsa.Protocol.Records;

namespace Samsa.Client.Consumer;

/// <summary>
/// The consumer's background fetch loop. It resolves positions that need ListOffsets (new assignments, seeks to
/// beginning/end/timestamp, OFFSET_OUT_OF_RANGE under <c>auto.offset.reset</c>), then keeps one Fetch in flight per
/// leader for the partitions that have room in their prefetch buffer. Fetching runs ahead of the application: the
/// fetch position moves past each response's last whole batch as soon as it arrives, so the next Fetch is under way
/// while the application still reads the previous one.
/// </summary>
internal sealed class Fetcher : IAsyncDisposable
{
    private readonly ConsumerConfig _config;
    private readonly ConnectionPool _pool;
    private readonly MetadataManager _metadata;
    private readonly OffsetLookup _offsets;
    private readonly SubscriptionState _subscription;
    private readonly Channel<CompletedFetch> _completed = Channel.CreateUnbounded<CompletedFetch>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly HashSet<int> _busyNodes = [];
    private readonly Lock _nodesLock = new();
    private readonly Backoff _backoff;
    private readonly Task _loop;
    private int _failures;

    public Fetcher(ConsumerConfig config, ConnectionPool pool, MetadataManager metadata, OffsetLookup offsets, SubscriptionState subscription)
    {
        _config = config;
        _pool = pool;
        _metadata = metadata;
        _offsets = offsets;
        _subscription = subscription;
        _backoff = new Backoff(config.RetryBackoffMs, config.RetryBackoffMaxMs);
        _loop = Task.Run(RunAsync);
    }

    public ChannelReader<CompletedFetch> Completed => _completed.Reader;

    /// <summary>An error of the fetch loop itself that the application should see (a broker without Fetch v4+, ...).</summary>
    public Exception? FatalError { get; private set; }

    public void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        Wake();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _completed.Writer.TryComplete();
        while (_completed.Reader.TryRead(out var fetch))
        {
            fetch.Release();
        }

        _wake.Dispose();
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        var ct = _stop.Token;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await ResolvePositionsAsync(ct).ConfigureAwait(false);
                SendFetches(ct);
                _failures = 0;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (KafkaClientException e) when (e.IsRetriable)
            {
                _metadata.RequestUpdate();
                await DelayAsync(_backoff.Delay(_failures++), ct).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                FatalError = e;
                await DelayAsync(_backoff.Delay(_failures++), ct).ConfigureAwait(false);
            }

            try
            {
                await _wake.WaitAsync(TimeSpan.FromMilliseconds(100), ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static async Task DelayAsync(TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Runs ListOffsets for partitions waiting for a position, and applies the answers unless a seek overtook them.</summary>
    private async Task ResolvePositionsAsync(CancellationToken ct)
    {
        var specs = new Dictionary<TopicPartition, long>();
        var epochs = new Dictionary<TopicPartition, int>();
        foreach (var state in _subscription.Snapshot())
        {
            lock (_subscription.Lock)
            {
                long? spec = state.PendingOffsetSpec ?? state.PendingReset switch
                {
                    AutoOffsetReset.Earliest => OffsetSpec.Earliest,
                    AutoOffsetReset.Latest => OffsetSpec.Latest,
                    _ => null,
                };
                if (state.PendingOffsetSpec is null && state.PendingReset == AutoOffsetReset.None)
                {
                    state.Error ??= new KafkaBrokerException(
                        ErrorCode.OffsetOutOfRange,
                        state.Position < 0 ? "no position and auto.offset.reset=none: seek first" : $"offset {state.Position} is out of range and auto.offset.reset=none",
                        state.Partition.ToString());
                    state.PendingReset = null;
                    continue;
                }

                if (spec is { } s)
                {
                    specs[state.Partition] = s;
                    epochs[state.Partition] = state.Epoch;
                }
            }
        }

        if (specs.Count == 0)
        {
            return;
        }

        var offsets = await _offsets.ListAsync(specs, _config.IsolationLevel, ct).ConfigureAwait(false);
        lock (_subscription.Lock)
        {
            foreach (var (tp, listed) in offsets)
            {
                var state = _subscription.Get(tp);
                if (state is null || state.Epoch != epochs[tp])
                {
                    continue;
                }

                var offset = listed.Offset;
                if (offset < 0)
                {
                    // No record at or after the timestamp: the end of the log, as the console consumer does.
                    state.PendingOffsetSpec = OffsetSpec.Latest;
                    continue;
                }

                state.Position = offset;
                state.FetchPosition = offset;
                state.PendingOffsetSpec = null;
                state.PendingReset = null;
            }
        }

        if (offsets.Values.Any(o => o.Offset < 0))
        {
            Wake();
        }
    }

    private void SendFetches(CancellationToken ct)
    {
        var metadata = _metadata.Current;
        var byNode = new Dictionary<int, List<(PartitionState State, long Offset, int Epoch)>>();
        var nodesWithFullBuffers = new HashSet<int>();
        var needMetadata = false;
        lock (_subscription.Lock)
        {
            foreach (var state in _subscription.Snapshot())
            {
                if (!state.IsFetchable || state.FetchInFlight)
                {
                    continue;
                }

                var leader = metadata.LeaderFor(state.Partition.Topic, state.Partition.Partition);
                if (leader < 0)
                {
                    needMetadata = true;
                    continue;
                }

                if (state.Buffered >= _config.PrefetchResponses)
                {
                    nodesWithFullBuffers.Add(leader);
                    continue;
                }

                lock (_nodesLock)
                {
                    if (_busyNodes.Contains(leader))
                    {
                        continue;
                    }
                }

                if (!byNode.TryGetValue(leader, out var list))
                {
                    byNode[leader] = list = [];
                }

                list.Add((state, state.FetchPosition, state.Epoch));
            }

            DeferLongPolls(byNode, nodesWithFullBuffers);
            foreach (var list in byNode.Values)
            {
                foreach (var entry in list)
                {
                    entry.State.FetchInFlight = true;
                }
            }
        }

        if (needMetadata)
        {
            _ = RefreshMetadataAsync(ct);
        }

        foreach (var (node, partitions) in byNode)
        {
            lock (_nodesLock)
            {
                _busyNodes.Add(node);
            }

            _ = FetchAsync(node, partitions, ct);
        }
    }

    /// <summary>
    /// Holds back a fetch made only of caught-up partitions while the same broker has partitions whose buffers are
    /// full: the broker would park it for fetch.max.wait.ms, and with one fetch in flight per broker the buffered
    /// partitions could not be fetched again until it returned. They wake the fetcher as they drain, and the next
    /// fetch then carries them too, so it returns at once.
    /// </summary>
    private static void DeferLongPolls(Dictionary<int, List<(PartitionState State, long Offset, int Epoch)>> byNode, HashSet<int> nodesWithFullBuffers)
    {
        foreach (var node in nodesWithFullBuffers)
        {
            if (byNode.TryGetValue(node, out var list) && list.TrueForAll(entry => entry.State.IsCaughtUp))
            {
                byNode.Remove(node);
            }
        }
    }

    private async Task RefreshMetadataAsync(CancellationToken ct)
    {
        try
        {
            await _metadata.RefreshTrackedAsync(ct).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Retried on the next round.
        }
    }

    private async Task FetchAsync(int node, List<(PartitionState State, long Offset, int Epoch)> partitions, CancellationToken ct)
    {
        var handedOver = false;
        try
        {
            var connection = await _pool.GetAsync(node, ct).ConfigureAwait(false);
            var metadata = _metadata.Current;
            var allHaveIds = partitions.TrueForAll(p => metadata.GetTopic(p.State.Partition.Topic) is { TopicId.IsZero: false });
            var version = connection.Versions.Pick(ApiKey.Fetch, connection.Name, maxWanted: allHaveIds ? short.MaxValue : (short)12, minWanted: 4);
            var request = BuildRequest(partitions, version, metadata);
            var lease = await connection.SendKeepingFrameAsync<FetchResponse>(
                request, version, ct, _config.RequestTimeoutMs + _config.FetchMaxWaitMs).ConfigureAwait(false);
            handedOver = true;
            HandleResponse(lease, partitions, version, metadata);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (KafkaClientException e) when (e.IsRetriable)
        {
            _metadata.RequestUpdate();
            await DelayAsync(_backoff.Delay(0), ct).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            FatalError = e;
        }
        finally
        {
            lock (_subscription.Lock)
            {
                foreach (var entry in partitions)
                {
                    entry.State.FetchInFlight = false;
                }
            }

            lock (_nodesLock)
            {
                _busyNodes.Remove(node);
            }

            if (!handedOver)
            {
                _metadata.RequestUpdate();
            }

            Wake();
        }
    }

    private FetchRequest BuildRequest(List<(PartitionState State, long Offset, int Epoch)> partitions, short version, ClusterMetadata metadata)
    {
        var request = new FetchRequest
        {
            ReplicaId = -1,
            MaxWaitMs = _config.FetchMaxWaitMs,
            MinBytes = _config.FetchMinBytes,
            MaxBytes = _config.FetchMaxBytes,
            IsolationLevel = (sbyte)_config.IsolationLevel,
            SessionId = 0,
            SessionEpoch = -1,
            Topics = [],
            ForgottenTopicsData = [],
            RackId = _config.ClientRack,
        };
        foreach (var (state, offset, _) in partitions)
        {
            var name = state.Partition.Topic;
            var topic = request.Topics.Find(t => t.Topic == name);
            if (topic is null)
            {
                topic = new FetchRequest.FetchTopic { Topic = name, Partitions = [] };
                if (version >= 13)
                {
                    topic.TopicId = metadata.GetTopic(name)!.TopicId;
                }

                request.Topics.Add(topic);
            }

            topic.Partitions.Add(new FetchRequest.FetchPartition
            {
                Partition = state.Partition.Partition,
                FetchOffset = offset,
                PartitionMaxBytes = _config.MaxPartitionFetchBytes,
            });
        }

        return request;
    }

    private void HandleResponse(ResponseLease<FetchResponse> lease, List<(PartitionState State, long Offset, int Epoch)> sent, short version, ClusterMetadata metadata)
    {
        var body = lease.Body;
        if (body.ErrorCode != 0)
        {
            lease.Dispose();
            throw new KafkaBrokerException((ErrorCode)body.ErrorCode, null, "Fetch");
        }

        var withData = 0;
        foreach (var topic in body.Responses)
        {
            foreach (var p in topic.Partitions)
            {
                if (p.ErrorCode == 0 && p.Records is MemoryRecords { Length: > 0 })
                {
                    withData++;
                }
            }
        }

        var shared = new SharedFetchResponse(lease, withData + 1);
        var refresh = false;
        try
        {
            foreach (var topic in body.Responses)
            {
                var name = version >= 13 ? metadata.GetTopic(topic.TopicId)?.Name : topic.Topic;
                if (name is null)
                {
                    refresh = true;
                    continue;
                }

                foreach (var p in topic.Partitions)
                {
                    var tp = new TopicPartition(name, p.PartitionIndex);
                    var entry = sent.Find(e => e.State.Partition == tp);
                    if (entry.State is null)
                    {
                        continue;
                    }

                    refresh |= HandlePartition(entry.State, entry.Offset, entry.Epoch, p, shared);
                }
            }
        }
        finally
        {
            shared.Release();
        }

        if (refresh)
        {
            _metadata.RequestUpdate();
        }
    }

    /// <summary>Applies one partition's answer; returns whether metadata should be refreshed.</summary>
    private bool HandlePartition(PartitionState state, long sentOffset, int sentEpoch, FetchResponse.PartitionData p, SharedFetchResponse shared)
    {
        var code = (ErrorCode)p.ErrorCode;
        var records = p.Records as MemoryRecords;
        lock (_subscription.Lock)
        {
            var current = state.Epoch == sentEpoch && state.FetchPosition == sentOffset && _subscription.Get(state.Partition) == state;
            if (code == ErrorCode.None)
            {
                if (records is not { Length: > 0 })
                {
                    if (current)
                    {
                        state.HighWatermark = p.HighWatermark;
                    }

                    return false;
                }

                if (!current)
                {
                    shared.Release();
                    return false;
                }

                var next = NextOffsetAfterWholeBatches(records.Bytes.Span);
                if (next < 0)
                {
                    shared.Release();
                    state.Error = new KafkaBrokerException(
                        ErrorCode.RecordListTooLarge,
                        $"the record batch at offset {sentOffset} is larger than max.partition.fetch.bytes ({_config.MaxPartitionFetchBytes}) and the broker sent part of it",
                        state.Partition.ToString());
                    return false;
                }

                state.HighWatermark = p.HighWatermark;
                state.LastStableOffset = p.LastStableOffset;
                state.LogStartOffset = p.LogStartOffset;
                state.FetchPosition = Math.Max(state.FetchPosition, next);
                state.Buffered++;
                var aborted = p.AbortedTransactions is { Count: > 0 } list ? list.OrderBy(a => a.FirstOffset).ToList() : null;
                _completed.Writer.TryWrite(new CompletedFetch(state.Partition, state.Epoch, records.Bytes, shared, aborted));
                return false;
            }

            if (!current)
            {
                return false;
            }

            switch (code)
            {
                case ErrorCode.OffsetOutOfRange:
                    state.Epoch++;
                    state.PendingReset = _config.AutoOffsetReset;
                    return false;
                case ErrorCode.NotLeaderOrFollower:
                case ErrorCode.UnknownTopicOrPartition:
                case ErrorCode.LeaderNotAvailable:
                case ErrorCode.FencedLeaderEpoch:
                case ErrorCode.UnknownLeaderEpoch:
                case ErrorCode.KafkaStorageError:
                case ErrorCode.ReplicaNotAvailable:
                case ErrorCode.OffsetNotAvailable:
                case ErrorCode.UnknownTopicId:
                case ErrorCode.InconsistentTopicId:
                    return true;
                default:
                    if (!code.IsRetriable())
                    {
                        state.Error = new KafkaBrokerException(code, null, state.Partition.ToString());
                    }

                    return false;
            }
        }
    }

    /// <summary>The offset after the last whole batch in a record set, or -1 when not even one batch is whole.</summary>
    private static long NextOffsetAfterWholeBatches(ReadOnlySpan<byte> records)
    {
        long next = -1;
        var iterator = new RecordBatchIterator(records);
        while (iterator.MoveNext())
        {
            var entry = iterator.Current;
            if (entry.Bytes.Length >= RecordBatchHeader.Size)
            {
                next = RecordBatchHeader.Read(entry.Bytes).NextOffset;
            }
        }

        return next;
    }
}
