using System.Diagnostics;
using Samsa.Client.Configuration;
using Samsa.Client.Errors;
using Samsa.Client.Network;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;

namespace Samsa.Client.Metadata;

/// <summary>
/// Keeps the client's view of the cluster: bootstraps from <c>bootstrap.servers</c>, refreshes when asked (a leader
/// moved) or when older than <c>metadata.max.age.ms</c>, and waits out retriable errors (LEADER_NOT_AVAILABLE while a
/// topic is being created, a broker that cannot be reached) with backoff. Topics asked for are remembered and
/// refreshed together, as the Java producer does.
/// </summary>
internal sealed class MetadataManager : IDisposable
{
    private readonly ConnectionPool _pool;
    private readonly ClientConfig _config;
    private readonly bool _allowAutoCreate;
    private readonly Backoff _backoff;
    private readonly Lock _lock = new();
    private readonly HashSet<string> _tracked = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _refreshGate = new(1, 1);
    private ClusterMetadata _current = ClusterMetadata.Empty;
    private bool _stale = true;

    public MetadataManager(ConnectionPool pool, ClientConfig config, bool allowAutoCreate)
    {
        _pool = pool;
        _config = config;
        _allowAutoCreate = allowAutoCreate;
        _backoff = new Backoff(config.RetryBackoffMs, config.RetryBackoffMaxMs);
    }

    public ClusterMetadata Current => Volatile.Read(ref _current);

    /// <summary>Adds topics to those every refresh asks about (a consumer's assigned topics).</summary>
    public void Track(IEnumerable<string> topics)
    {
        lock (_lock)
        {
            foreach (var topic in topics)
            {
                if (_tracked.Add(topic))
                {
                    _stale = true;
                }
            }
        }
    }

    /// <summary>Marks the metadata out of date: the next lookup refreshes it (after NOT_LEADER_OR_FOLLOWER and the like).</summary>
    public void RequestUpdate() => Volatile.Write(ref _stale, true);

    private bool NeedsRefresh =>
        Volatile.Read(ref _stale) || Stopwatch.GetElapsedTime(Current.FetchedAt) > TimeSpan.FromMilliseconds(_config.MetadataMaxAgeMs);

    /// <summary>Fetches metadata for <paramref name="topics"/> (null: every topic) and merges it into the snapshot.</summary>
    public async Task<ClusterMetadata> RefreshAsync(IReadOnlyCollection<string>? topics, CancellationToken ct, bool? allowAutoCreate = null)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)_config.DefaultApiTimeoutMs * Stopwatch.Frequency / 1000;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var connection = await _pool.GetAnyAsync(ct).ConfigureAwait(false);
                var response = await ConnectionPool.SendAsync<MetadataResponse>(
                    connection, ApiKey.Metadata, v => BuildRequest(v, topics, allowAutoCreate ?? _allowAutoCreate), ct).ConfigureAwait(false);
                return Apply(response, topics is null);
            }
            catch (KafkaClientException e) when (e.IsRetriable && Stopwatch.GetTimestamp() < deadline && !ct.IsCancellationRequested)
            {
                await Task.Delay(_backoff.Delay(attempt), ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The metadata of <paramref name="topic"/>, refreshing until the topic exists with its partitions (auto-creation
    /// and leader elections answer retriable errors for a while). Non-retriable errors throw at once; running out of
    /// <paramref name="timeoutMs"/> throws <see cref="KafkaTimeoutException"/>.
    /// </summary>
    public async ValueTask<TopicMetadata> GetTopicAsync(string topic, int timeoutMs, CancellationToken ct)
    {
        var current = Current.GetTopic(topic);
        if (current is { Error: ErrorCode.None, Partitions.Count: > 0 } && !NeedsRefresh)
        {
            return current;
        }

        return await WaitForTopicAsync(topic, timeoutMs, ct).ConfigureAwait(false);
    }

    private async Task<TopicMetadata> WaitForTopicAsync(string topic, int timeoutMs, CancellationToken ct)
    {
        lock (_lock)
        {
            _tracked.Add(topic);
        }

        var start = Stopwatch.GetTimestamp();
        ErrorCode lastError = ErrorCode.None;
        for (var attempt = 0; ; attempt++)
        {
            var metadata = await RefreshTrackedAsync(ct).ConfigureAwait(false);
            var found = metadata.GetTopic(topic);
            if (found is { Error: ErrorCode.None, Partitions.Count: > 0 })
            {
                return found;
            }

            lastError = found?.Error ?? ErrorCode.UnknownTopicOrPartition;
            if (!lastError.IsRetriable())
            {
                throw new KafkaBrokerException(lastError, null, $"topic {topic}");
            }

            var delay = _backoff.Delay(attempt);
            if (Stopwatch.GetElapsedTime(start) + delay > TimeSpan.FromMilliseconds(timeoutMs))
            {
                throw new KafkaTimeoutException(
                    $"topic {topic} not present in metadata after {timeoutMs} ms (last error {lastError.KafkaName()})");
            }

            await Task.Delay(delay, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Refreshes the tracked topics, once for every caller that asks while a refresh is running.</summary>
    public async Task<ClusterMetadata> RefreshTrackedAsync(CancellationToken ct)
    {
        var before = Current;
        await _refreshGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (!ReferenceEquals(before, Current) && !Volatile.Read(ref _stale))
            {
                return Current; // someone else refreshed while we waited
            }

            string[] topics;
            lock (_lock)
            {
                topics = [.. _tracked];
            }

            return await RefreshAsync(topics, ct).ConfigureAwait(false);
        }
        finally
        {
            _refreshGate.Release();
        }
    }

    public void Dispose() => _refreshGate.Dispose();

    private static MetadataRequest BuildRequest(short version, IReadOnlyCollection<string>? topics, bool allowAutoCreate)
    {
        var request = new MetadataRequest { AllowAutoTopicCreation = allowAutoCreate };
        if (topics is null)
        {
            // v0 has no null array: an empty list means every topic there.
            request.Topics = version == 0 ? [] : null;
        }
        else
        {
            request.Topics = new List<MetadataRequest.MetadataRequestTopic>(topics.Count);
            foreach (var name in topics)
            {
                request.Topics.Add(new MetadataRequest.MetadataRequestTopic { Name = name });
            }
        }

        return request;
    }

    private ClusterMetadata Apply(MetadataResponse response, bool allTopics)
    {
        var brokers = new Dictionary<int, BrokerNode>(response.Brokers.Count);
        var addresses = new List<KeyValuePair<int, BrokerAddress>>(response.Brokers.Count);
        foreach (var b in response.Brokers)
        {
            brokers[b.NodeId] = new BrokerNode(b.NodeId, b.Host, b.Port, b.Rack);
            addresses.Add(new(b.NodeId, new BrokerAddress(b.Host, b.Port)));
        }

        _pool.UpdateAddresses(addresses);

        lock (_lock)
        {
            var previous = _current;
            var topics = allTopics
                ? new Dictionary<string, TopicMetadata>(StringComparer.Ordinal)
                : new Dictionary<string, TopicMetadata>(previous.Topics, StringComparer.Ordinal);
            foreach (var t in response.Topics)
            {
                if (t.Name is null)
                {
                    continue;
                }

                var partitions = new List<PartitionMetadata>(t.Partitions.Count);
                foreach (var p in t.Partitions)
                {
                    partitions.Add(new PartitionMetadata(
                        p.PartitionIndex, p.LeaderId, p.LeaderEpoch, p.ReplicaNodes, p.IsrNodes, p.OfflineReplicas, (ErrorCode)p.ErrorCode));
                }

                partitions.Sort(static (a, b) => a.Partition.CompareTo(b.Partition));
                topics[t.Name] = new TopicMetadata(t.Name, t.TopicId, t.IsInternal, partitions, (ErrorCode)t.ErrorCode);
            }

            var next = new ClusterMetadata(response.ClusterId, response.ControllerId, brokers, topics, Stopwatch.GetTimestamp());
            _current = next;
            _stale = false;
            return next;
        }
    }
}
