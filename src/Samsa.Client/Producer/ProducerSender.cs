using System.Diagnostics;
using Samsa.Client.Configuration;
using Samsa.Client.Errors;
using Samsa.Client.Metadata;
using Samsa.Client.Network;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;

namespace Samsa.Client.Producer;

/// <summary>
/// The producer's background loop: seals batches whose <c>linger.ms</c> has passed, groups ready batches by the
/// leader of their partition, and sends one Produce request per broker with at most one batch per partition, keeping
/// up to <c>max.in.flight.requests.per.connection</c> requests in flight per broker. Answers complete the records'
/// deliveries; retriable errors put the batch back at the front of its partition after a backoff, refreshing metadata
/// when the leader may have moved.
/// </summary>
internal sealed class ProducerSender : IAsyncDisposable
{
    private readonly ProducerConfig _config;
    private readonly RecordAccumulator _accumulator;
    private readonly MetadataManager _metadata;
    private readonly ConnectionPool _pool;
    private readonly MemoryBudget _memory;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<int, int> _inFlightByNode = [];
    private readonly Lock _inFlightLock = new();
    private readonly Backoff _retryBackoff;
    private readonly long _lingerTicks;
    private readonly long _deliveryTimeoutTicks;
    private readonly Task _loop;
    private int _flushing;
    private int _refreshing;

    public ProducerSender(ProducerConfig config, RecordAccumulator accumulator, MetadataManager metadata, ConnectionPool pool, MemoryBudget memory)
    {
        _config = config;
        _accumulator = accumulator;
        _metadata = metadata;
        _pool = pool;
        _memory = memory;
        _retryBackoff = new Backoff(config.RetryBackoffMs, config.RetryBackoffMaxMs);
        _lingerTicks = RecordAccumulator.Ticks(config.LingerMs);
        _deliveryTimeoutTicks = RecordAccumulator.Ticks(config.DeliveryTimeoutMs);
        _loop = Task.Run(RunAsync);
    }

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
                // Already signalled.
            }
        }
    }

    /// <summary>While a flush runs, open batches are sealed without waiting for linger.ms.</summary>
    public void BeginFlush()
    {
        Interlocked.Increment(ref _flushing);
        Wake();
    }

    public void EndFlush() => Interlocked.Decrement(ref _flushing);

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

        // Whatever is left can no longer be sent.
        var closed = new KafkaClientException("the producer was closed before the record was sent");
        foreach (var queue in _accumulator.All)
        {
            List<ProducerBatch> left;
            lock (queue.Lock)
            {
                left = [.. queue.Ready];
                queue.Ready.Clear();
                if (queue.Open is { } open)
                {
                    left.Add(open);
                    queue.Open = null;
                }
            }

            foreach (var batch in left)
            {
                Finish(batch, closed);
            }
        }

        _wake.Dispose();
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        var drained = new Dictionary<int, List<ProducerBatch>>();
        while (!_stop.IsCancellationRequested)
        {
            _connections.Clear();
            var nextWakeTicks = Drain(drained);
            foreach (var (node, batches) in drained)
            {
                if (batches.Count > 0)
                {
                    var toSend = batches.ToArray();
                    batches.Clear();
                    _ = SendAsync(node, _connections[node], toSend);
                }
            }

            var wait = nextWakeTicks == long.MaxValue
                ? TimeSpan.FromMilliseconds(100)
                : TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond / 4, nextWakeTicks * TimeSpan.TicksPerSecond / Stopwatch.Frequency));
            try
            {
                await _wake.WaitAsync(wait, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Picks the batches to send now, by leader; returns the ticks until something else becomes due.</summary>
    private long Drain(Dictionary<int, List<ProducerBatch>> byNode)
    {
        var now = Stopwatch.GetTimestamp();
        var force = Volatile.Read(ref _flushing) > 0;
        var nextDue = long.MaxValue;
        var metadata = _metadata.Current;
        var needMetadata = false;
        var requestBytes = new Dictionary<int, int>();
        List<ProducerBatch>? expired = null;
        foreach (var queue in _accumulator.All)
        {
            lock (queue.Lock)
            {
                RecordAccumulator.SealIfDueLocked(queue, now, _lingerTicks, force);
                if (queue.Open is { Count: > 0 } open)
                {
                    nextDue = Math.Min(nextDue, Math.Max(0, open.CreatedAt + _lingerTicks - now));
                }

                while (queue.Ready.Count > 0 && now - queue.Ready[0].CreatedAt > _deliveryTimeoutTicks)
                {
                    (expired ??= []).Add(queue.Ready[0]);
                    queue.Ready.RemoveAt(0);
                }

                if (queue.Ready.Count == 0)
                {
                    continue;
                }

                var batch = queue.Ready[0];
                if (batch.RetryAt > now)
                {
                    nextDue = Math.Min(nextDue, batch.RetryAt - now);
                    continue;
                }

                var leader = metadata.LeaderFor(queue.Topic, queue.PartitionId);
                if (leader < 0 || !metadata.Brokers.ContainsKey(leader))
                {
                    needMetadata = true;
                    nextDue = Math.Min(nextDue, RecordAccumulator.Ticks(Math.Max(1, _config.RetryBackoffMs)));
                    continue;
                }

                var size = batch.Records.Length;
                requestBytes.TryGetValue(leader, out var used);
                if (!byNode.TryGetValue(leader, out var list))
                {
                    list = [];
                    byNode[leader] = list;
                }

                if (list.Count == 0)
                {
                    // Requests to one broker must leave in drain order, so only an open connection is used here.
                    if (!_connections.ContainsKey(leader))
                    {
                        if (!_pool.TryGetOpen(leader, out var connection, Wake))
                        {
                            continue;
                        }

                        _connections[leader] = connection;
                    }

                    if (!TryTakeSlot(leader))
                    {
                        continue;
                    }
                }

                if (list.Count > 0 && used + size > _config.MaxRequestSize)
                {
                    nextDue = 0;
                    continue;
                }

                queue.Ready.RemoveAt(0);
                queue.InFlight++;
                list.Add(batch);
                requestBytes[leader] = used + size;
                if (queue.Ready.Count > 0)
                {
                    nextDue = 0; // more of this partition can go in the next request
                }
            }
        }

        if (expired is not null)
        {
            foreach (var batch in expired)
            {
                var cause = batch.LastError is null ? string.Empty : $" (last error: {batch.LastError.Message})";
                Finish(batch, new KafkaTimeoutException(
                    $"{batch.Count} record(s) for {batch.Partition.Topic}-{batch.Partition.PartitionId} expired: {_config.DeliveryTimeoutMs} ms (delivery.timeout.ms) passed since the batch was created{cause}",
                    batch.LastError));
            }
        }

        if (needMetadata)
        {
            RefreshMetadataInBackground();
        }

        // A node whose list stayed empty gives its slot back.
        foreach (var (node, list) in byNode)
        {
            if (list.Count == 0 && _slotTaken.Remove(node))
            {
                ReleaseSlot(node);
            }
        }

        _slotTaken.Clear();
        return nextDue;
    }

    private readonly HashSet<int> _slotTaken = [];
    private readonly Dictionary<int, BrokerConnection> _connections = [];

    private bool TryTakeSlot(int node)
    {
        lock (_inFlightLock)
        {
            _inFlightByNode.TryGetValue(node, out var count);
            if (count >= _config.MaxInFlightRequestsPerConnection)
            {
                return false;
            }

            _inFlightByNode[node] = count + 1;
        }

        _slotTaken.Add(node);
        return true;
    }

    private void ReleaseSlot(int node)
    {
        lock (_inFlightLock)
        {
            _inFlightByNode[node]--;
        }

        Wake();
    }

    private async Task SendAsync(int node, BrokerConnection connection, ProducerBatch[] batches)
    {
        try
        {
            var version = connection.Versions.Pick(ApiKey.Produce, connection.Name, minWanted: 3);
            var request = BuildRequest(batches);
            if (_config.Acks == 0)
            {
                await connection.SendWithoutResponseAsync(request, version, _stop.Token).ConfigureAwait(false);
                foreach (var batch in batches)
                {
                    Succeed(batch, -1, -1);
                }

                return;
            }

            var response = await connection.SendAsync<ProduceResponse>(request, version, _stop.Token).ConfigureAwait(false);
            HandleResponse(batches, response);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            foreach (var batch in batches)
            {
                Finish(batch, new KafkaClientException("the producer was closed while the request was in flight"));
            }
        }
        catch (KafkaClientException e)
        {
            if (e is BrokerConnectionException)
            {
                _metadata.RequestUpdate();
            }

            foreach (var batch in batches)
            {
                RetryOrFail(batch, e, refreshMetadata: e is BrokerConnectionException);
            }
        }
        catch (Exception e)
        {
            var error = new KafkaClientException($"producing to broker {node} failed: {e.Message}", e);
            foreach (var batch in batches)
            {
                Finish(batch, error);
            }
        }
        finally
        {
            ReleaseSlot(node);
        }
    }

    private ProduceRequest BuildRequest(ProducerBatch[] batches)
    {
        var request = new ProduceRequest
        {
            Acks = _config.Acks,
            TimeoutMs = _config.RequestTimeoutMs,
            TopicData = [],
        };
        foreach (var batch in batches)
        {
            var topic = request.TopicData.Find(t => t.Name == batch.Partition.Topic);
            if (topic is null)
            {
                topic = new ProduceRequest.TopicProduceData { Name = batch.Partition.Topic, PartitionData = [] };
                request.TopicData.Add(topic);
            }

            topic.PartitionData.Add(new ProduceRequest.PartitionProduceData { Index = batch.Partition.PartitionId, Records = batch.Records });
        }

        return request;
    }

    private void HandleResponse(ProducerBatch[] batches, ProduceResponse response)
    {
        foreach (var batch in batches)
        {
            ProduceResponse.PartitionProduceResponse? answer = null;
            foreach (var topic in response.Responses)
            {
                if (topic.Name != batch.Partition.Topic)
                {
                    continue;
                }

                foreach (var partition in topic.PartitionResponses)
                {
                    if (partition.Index == batch.Partition.PartitionId)
                    {
                        answer = partition;
                        break;
                    }
                }
            }

            if (answer is null)
            {
                RetryOrFail(batch, new KafkaClientException($"the Produce response has no answer for {batch.Partition.Topic}-{batch.Partition.PartitionId}"), false);
                continue;
            }

            if (answer.ErrorCode == 0)
            {
                Succeed(batch, answer.BaseOffset, answer.LogAppendTimeMs);
                continue;
            }

            var code = (ErrorCode)answer.ErrorCode;
            var error = new KafkaBrokerException(code, answer.ErrorMessage, $"{batch.Partition.Topic}-{batch.Partition.PartitionId}");
            var moved = code is ErrorCode.NotLeaderOrFollower or ErrorCode.LeaderNotAvailable or ErrorCode.UnknownTopicOrPartition
                or ErrorCode.KafkaStorageError or ErrorCode.FencedLeaderEpoch or ErrorCode.UnknownLeaderEpoch;
            RetryOrFail(batch, error, moved);
        }
    }

    private void RetryOrFail(ProducerBatch batch, KafkaClientException error, bool refreshMetadata)
    {
        var queue = batch.Partition;
        var now = Stopwatch.GetTimestamp();
        if (!error.IsRetriable || batch.Attempts >= _config.Retries || now - batch.CreatedAt > _deliveryTimeoutTicks || _stop.IsCancellationRequested)
        {
            Finish(batch, error);
            return;
        }

        batch.Attempts++;
        batch.LastError = error;
        batch.RetryAt = now + _retryBackoff.Delay(batch.Attempts - 1).Ticks * Stopwatch.Frequency / TimeSpan.TicksPerSecond;
        lock (queue.Lock)
        {
            queue.InFlight--;
            queue.Ready.Insert(0, batch);
        }

        if (refreshMetadata)
        {
            _metadata.RequestUpdate();
            RefreshMetadataInBackground();
        }

        Wake();
    }

    private void Succeed(ProducerBatch batch, long baseOffset, long logAppendTime)
    {
        lock (batch.Partition.Lock)
        {
            batch.Partition.InFlight--;
        }

        var reserved = batch.ReservedBytes;
        batch.Succeed(baseOffset, logAppendTime);
        _accumulator.Complete(batch);
        _memory.Release(reserved);
    }

    private void Finish(ProducerBatch batch, KafkaClientException error)
    {
        lock (batch.Partition.Lock)
        {
            batch.Partition.InFlight = Math.Max(0, batch.Partition.InFlight - 1);
        }

        var reserved = batch.ReservedBytes;
        batch.Fail(error);
        _accumulator.Complete(batch);
        _memory.Release(reserved);
    }

    private void RefreshMetadataInBackground()
    {
        if (Interlocked.Exchange(ref _refreshing, 1) == 1)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                _metadata.RequestUpdate();
                await _metadata.RefreshTrackedAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The next drain asks again.
            }
            finally
            {
                Volatile.Write(ref _refreshing, 0);
                Wake();
            }
        });
    }
}
