using System.Diagnostics;
using Samsa.Client.Configuration;
using Samsa.Client.Errors;
using Samsa.Client.Metadata;
using Samsa.Client.Network;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;

namespace Samsa.Client.Admin;

/// <summary>
/// Cluster administration against any Kafka-protocol broker: topics, partitions, configs, the cluster, consumer
/// groups and their offsets, offsets by time, deleting records. Each call routes its requests where Kafka wants
/// them (the controller, a group's coordinator, partition leaders, a broker for its own configs) and retries
/// retriable errors with backoff for up to <c>default.api.timeout.ms</c>. Batched calls return one result per item
/// with the broker's error for that item, if any (<see cref="AdminResultExtensions.ThrowIfAnyFailed{T}"/>);
/// whole-call failures throw <see cref="KafkaClientException"/>s.
/// </summary>
public sealed partial class KafkaAdminClient : IAsyncDisposable
{
    private readonly AdminClientConfig _config;
    private readonly ConnectionPool _pool;
    private readonly MetadataManager _metadata;
    private readonly OffsetLookup _offsets;
    private readonly Backoff _backoff;
    private readonly Dictionary<string, int> _coordinators = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public KafkaAdminClient(AdminClientConfig config)
    {
        config.Validate();
        _config = config;
        _pool = new ConnectionPool(config);
        _metadata = new MetadataManager(_pool, config, allowAutoCreate: false);
        _offsets = new OffsetLookup(_pool, _metadata, config);
        _backoff = new Backoff(config.RetryBackoffMs, config.RetryBackoffMaxMs);
    }

    public async ValueTask DisposeAsync()
    {
        await _pool.DisposeAsync().ConfigureAwait(false);
        _metadata.Dispose();
    }

    /// <summary>The cluster id, controller and brokers (DescribeCluster where the broker has it, else Metadata), and the API versions of the broker that answered.</summary>
    public Task<ClusterDescription> DescribeClusterAsync(CancellationToken ct = default) => RetryAsync(
        async token =>
        {
            var connection = await _pool.GetAnyAsync(token).ConfigureAwait(false);
            if (connection.Versions.Supports(ApiKey.DescribeCluster))
            {
                var response = await ConnectionPool.SendAsync<DescribeClusterResponse>(
                    connection, ApiKey.DescribeCluster, _ => new DescribeClusterRequest(), token).ConfigureAwait(false);
                KafkaBrokerException.ThrowIfError(response.ErrorCode, response.ErrorMessage, "DescribeCluster");
                var brokers = response.Brokers.Select(b => new BrokerNode(b.BrokerId, b.Host, b.Port, b.Rack)).OrderBy(b => b.NodeId).ToList();
                return new ClusterDescription(response.ClusterId, response.ControllerId, brokers, connection.Versions, connection.Name);
            }

            var metadata = await _metadata.RefreshAsync([], token).ConfigureAwait(false);
            return new ClusterDescription(
                metadata.ClusterId, metadata.ControllerId, [.. metadata.Brokers.Values.OrderBy(b => b.NodeId)], connection.Versions, connection.Name);
        },
        ct);

    /// <summary>The API versions broker <paramref name="brokerId"/> announced.</summary>
    public Task<BrokerApiVersions> GetApiVersionsAsync(int brokerId, CancellationToken ct = default) => RetryAsync(
        async token =>
        {
            await EnsureMetadataAsync(token).ConfigureAwait(false);
            return (await _pool.GetAsync(brokerId, token).ConfigureAwait(false)).Versions;
        },
        ct);

    /// <summary>Topic names, sorted; internal topics (__consumer_offsets, ...) only when asked.</summary>
    public Task<IReadOnlyList<string>> ListTopicsAsync(bool includeInternal = false, CancellationToken ct = default) => RetryAsync<IReadOnlyList<string>>(
        async token =>
        {
            var metadata = await _metadata.RefreshAsync(null, token, allowAutoCreate: false).ConfigureAwait(false);
            return [.. metadata.Topics.Values.Where(t => includeInternal || !t.IsInternal).Select(t => t.Name).Order(StringComparer.Ordinal)];
        },
        ct);

    /// <summary>Partitions, leaders, replicas and ISR of each topic (an unknown topic gets UNKNOWN_TOPIC_OR_PARTITION).</summary>
    public Task<IReadOnlyList<TopicDescription>> DescribeTopicsAsync(IEnumerable<string> topics, CancellationToken ct = default)
    {
        var names = topics.ToList();
        return RetryAsync<IReadOnlyList<TopicDescription>>(
            async token =>
            {
                var metadata = await _metadata.RefreshAsync(names, token, allowAutoCreate: false).ConfigureAwait(false);
                var result = new List<TopicDescription>();
                foreach (var name in names)
                {
                    var topic = metadata.GetTopic(name);
                    if (topic is null)
                    {
                        result.Add(new TopicDescription(name, Uuid.Zero, false, [], new KafkaBrokerException(ErrorCode.UnknownTopicOrPartition, null, $"topic {name}")));
                        continue;
                    }

                    if (topic.Error is ErrorCode.LeaderNotAvailable)
                    {
                        throw new KafkaBrokerException(topic.Error, null, $"topic {name}");
                    }

                    result.Add(new TopicDescription(
                        topic.Name, topic.TopicId, topic.IsInternal, topic.Partitions,
                        topic.Error == ErrorCode.None ? null : new KafkaBrokerException(topic.Error, null, $"topic {name}")));
                }

                return result;
            },
            ct);
    }

    /// <summary>Creates topics (CreateTopics, sent to the controller).</summary>
    public Task<IReadOnlyList<TopicResult>> CreateTopicsAsync(IEnumerable<NewTopic> topics, bool validateOnly = false, CancellationToken ct = default)
    {
        var list = topics.ToList();
        return RetryAsync<IReadOnlyList<TopicResult>>(
            async token =>
            {
                var connection = await ControllerAsync(token).ConfigureAwait(false);
                var response = await ConnectionPool.SendAsync<CreateTopicsResponse>(
                    connection, ApiKey.CreateTopics, _ => BuildCreateTopics(list, validateOnly), token).ConfigureAwait(false);
                ThrowIfNotController(response.Topics.Select(t => t.ErrorCode));
                return [.. response.Topics.Select(t => new TopicResult(t.Name, KafkaBrokerException.FromCode(t.ErrorCode, t.ErrorMessage, $"topic {t.Name}"))
                {
                    TopicId = t.TopicId,
                    NumPartitions = t.NumPartitions,
                    ReplicationFactor = t.ReplicationFactor,
                })];
            },
            ct);
    }

    /// <summary>Deletes topics by name (DeleteTopics, sent to the controller).</summary>
    public Task<IReadOnlyList<TopicResult>> DeleteTopicsAsync(IEnumerable<string> topics, CancellationToken ct = default)
    {
        var names = topics.ToList();
        return RetryAsync<IReadOnlyList<TopicResult>>(
            async token =>
            {
                var connection = await ControllerAsync(token).ConfigureAwait(false);
                var response = await ConnectionPool.SendAsync<DeleteTopicsResponse>(
                    connection,
                    ApiKey.DeleteTopics,
                    version => version >= 6
                        ? new DeleteTopicsRequest { Topics = [.. names.Select(n => new DeleteTopicsRequest.DeleteTopicState { Name = n })], TimeoutMs = _config.RequestTimeoutMs }
                        : new DeleteTopicsRequest { TopicNames = names, TimeoutMs = _config.RequestTimeoutMs },
                    token).ConfigureAwait(false);
                ThrowIfNotController(response.Responses.Select(t => t.ErrorCode));
                return [.. response.Responses.Select(t => new TopicResult(t.Name ?? t.TopicId.ToString(), KafkaBrokerException.FromCode(t.ErrorCode, t.ErrorMessage, $"topic {t.Name}"))
                {
                    TopicId = t.TopicId,
                })];
            },
            ct);
    }

    /// <summary>Raises topics' partition counts to the given totals (CreatePartitions, sent to the controller).</summary>
    public Task<IReadOnlyList<TopicResult>> CreatePartitionsAsync(IReadOnlyDictionary<string, int> totalCounts, bool validateOnly = false, CancellationToken ct = default) =>
        CreatePartitionsAsync(totalCounts.ToDictionary(e => e.Key, e => new NewPartitions(e.Value)), validateOnly, ct);

    /// <summary>Raises topics' partition counts, placing the new partitions' replicas where given (CreatePartitions, sent to the controller).</summary>
    public Task<IReadOnlyList<TopicResult>> CreatePartitionsAsync(IReadOnlyDictionary<string, NewPartitions> increases, bool validateOnly = false, CancellationToken ct = default) =>
        RetryAsync<IReadOnlyList<TopicResult>>(
            async token =>
            {
                var connection = await ControllerAsync(token).ConfigureAwait(false);
                var response = await ConnectionPool.SendAsync<CreatePartitionsResponse>(
                    connection,
                    ApiKey.CreatePartitions,
                    _ => new CreatePartitionsRequest
                    {
                        Topics = [.. increases.Select(e => new CreatePartitionsRequest.CreatePartitionsTopic
                        {
                            Name = e.Key,
                            Count = e.Value.TotalCount,
                            Assignments = e.Value.Assignments is null
                                ? null
                                : [.. e.Value.Assignments.Select(a => new CreatePartitionsRequest.CreatePartitionsAssignment { BrokerIds = [.. a] })],
                        })],
                        TimeoutMs = _config.RequestTimeoutMs,
                        ValidateOnly = validateOnly,
                    },
                    token).ConfigureAwait(false);
                ThrowIfNotController(response.Results.Select(t => t.ErrorCode));
                return [.. response.Results.Select(t => new TopicResult(t.Name, KafkaBrokerException.FromCode(t.ErrorCode, t.ErrorMessage, $"topic {t.Name}")))];
            },
            ct);

    /// <summary>
    /// For each partition, the offset for a timestamp spec (<see cref="OffsetSpec"/> or Unix milliseconds: the first
    /// offset whose timestamp is at or after it, -1 when there is none).
    /// </summary>
    public async Task<IReadOnlyDictionary<TopicPartition, ListedOffset>> ListOffsetsAsync(
        IReadOnlyDictionary<TopicPartition, long> specs, IsolationLevel isolation = IsolationLevel.ReadUncommitted, CancellationToken ct = default) =>
        await _offsets.ListAsync(specs, isolation, ct).ConfigureAwait(false);

    /// <summary>Deletes records before the given offsets (DeleteRecords, sent to the leaders); -1 means up to the high watermark.</summary>
    public Task<IReadOnlyList<PartitionResult>> DeleteRecordsAsync(IReadOnlyDictionary<TopicPartition, long> beforeOffsets, CancellationToken ct = default) =>
        RetryAsync<IReadOnlyList<PartitionResult>>(
            async token =>
            {
                var byLeader = await GroupByLeaderAsync(beforeOffsets.Keys, token).ConfigureAwait(false);
                var results = new List<PartitionResult>();
                foreach (var (leader, partitions) in byLeader)
                {
                    var connection = await _pool.GetAsync(leader, token).ConfigureAwait(false);
                    var response = await ConnectionPool.SendAsync<DeleteRecordsResponse>(
                        connection,
                        ApiKey.DeleteRecords,
                        _ => new DeleteRecordsRequest
                        {
                            TimeoutMs = _config.RequestTimeoutMs,
                            Topics = [.. partitions.GroupBy(p => p.Topic).Select(g => new DeleteRecordsRequest.DeleteRecordsTopic
                            {
                                Name = g.Key,
                                Partitions = [.. g.Select(p => new DeleteRecordsRequest.DeleteRecordsPartition { PartitionIndex = p.Partition, Offset = beforeOffsets[p] })],
                            })],
                        },
                        token).ConfigureAwait(false);
                    foreach (var topic in response.Topics)
                    {
                        foreach (var p in topic.Partitions)
                        {
                            var tp = new TopicPartition(topic.Name, p.PartitionIndex);
                            ThrowIfLeaderMoved(p.ErrorCode, tp);
                            results.Add(new PartitionResult(tp, KafkaBrokerException.FromCode(p.ErrorCode, null, tp.ToString())) { LowWatermark = p.LowWatermark });
                        }
                    }
                }

                return results;
            },
            ct);

    private static CreateTopicsRequest BuildCreateTopics(List<NewTopic> topics, bool validateOnly) => new()
    {
        timeoutMs = 60_000,
        validateOnly = validateOnly,
        Topics = [.. topics.Select(t => new CreateTopicsRequest.CreatableTopic
        {
            Name = t.Name,
            NumPartitions = t.ReplicaAssignment is null ? t.NumPartitions : -1,
            ReplicationFactor = t.ReplicaAssignment is null ? t.ReplicationFactor : (short)-1,
            Assignments = t.ReplicaAssignment is null
                ? []
                : [.. t.ReplicaAssignment.Select(a => new CreateTopicsRequest.CreatableReplicaAssignment { PartitionIndex = a.Key, BrokerIds = [.. a.Value] })],
            Configs = [.. t.Configs.Select(c => new CreateTopicsRequest.CreatableTopicConfig { Name = c.Key, Value = c.Value })],
        })],
    };

    private static void ThrowIfNotController(IEnumerable<short> codes)
    {
        if (codes.Any(c => c == (short)ErrorCode.NotController))
        {
            throw new KafkaBrokerException(ErrorCode.NotController);
        }
    }

    private void ThrowIfLeaderMoved(short code, TopicPartition tp)
    {
        if (code is (short)ErrorCode.NotLeaderOrFollower or (short)ErrorCode.LeaderNotAvailable)
        {
            _metadata.RequestUpdate();
            throw new KafkaBrokerException((ErrorCode)code, null, tp.ToString());
        }
    }

    private async Task<Dictionary<int, List<TopicPartition>>> GroupByLeaderAsync(IEnumerable<TopicPartition> partitions, CancellationToken ct)
    {
        var byLeader = new Dictionary<int, List<TopicPartition>>();
        foreach (var tp in partitions)
        {
            var topic = await _metadata.GetTopicAsync(tp.Topic, _config.DefaultApiTimeoutMs, ct).ConfigureAwait(false);
            var partition = topic.GetPartition(tp.Partition)
                ?? throw new KafkaBrokerException(ErrorCode.UnknownTopicOrPartition, $"topic {tp.Topic} has no partition {tp.Partition}", tp.ToString());
            if (partition.Leader < 0)
            {
                _metadata.RequestUpdate();
                throw new KafkaBrokerException(ErrorCode.LeaderNotAvailable, null, tp.ToString());
            }

            if (!byLeader.TryGetValue(partition.Leader, out var list))
            {
                byLeader[partition.Leader] = list = [];
            }

            list.Add(tp);
        }

        return byLeader;
    }

    private async Task EnsureMetadataAsync(CancellationToken ct)
    {
        if (_metadata.Current.FetchedAt == 0)
        {
            await _metadata.RefreshAsync([], ct).ConfigureAwait(false);
        }
    }

    /// <summary>The controller (Kafka routes controller-bound requests from any broker in KRaft; the Metadata controller id is the best target).</summary>
    private async Task<BrokerConnection> ControllerAsync(CancellationToken ct)
    {
        await EnsureMetadataAsync(ct).ConfigureAwait(false);
        var controller = _metadata.Current.ControllerId;
        return controller >= 0 && _metadata.Current.Brokers.ContainsKey(controller)
            ? await _pool.GetAsync(controller, ct).ConfigureAwait(false)
            : await _pool.GetAnyAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="operation"/>, retrying retriable failures with backoff until default.api.timeout.ms.</summary>
    private async Task<T> RetryAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await operation(ct).ConfigureAwait(false);
            }
            catch (KafkaClientException e) when (e.IsRetriable && !ct.IsCancellationRequested
                && Stopwatch.GetElapsedTime(start) + _backoff.Delay(attempt) < TimeSpan.FromMilliseconds(_config.DefaultApiTimeoutMs))
            {
                _metadata.RequestUpdate();
                if (e is KafkaBrokerException { ErrorCode: ErrorCode.NotController })
                {
                    await _metadata.RefreshAsync([], ct).ConfigureAwait(false);
                }

                await Task.Delay(_backoff.Delay(attempt), ct).ConfigureAwait(false);
            }
        }
    }
}
