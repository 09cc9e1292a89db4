using Samsa.Client.Configuration;
using Samsa.Client.Errors;
using Samsa.Client.Network;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;

namespace Samsa.Client.Metadata;

/// <summary>
/// ListOffsets, routed to each partition's leader: earliest, latest, max timestamp or the first offset at or after a
/// timestamp. Partitions whose leader moved or is being elected are retried after a metadata refresh.
/// </summary>
internal sealed class OffsetLookup(ConnectionPool pool, MetadataManager metadata, ClientConfig config)
{
    private readonly Backoff _backoff = new(config.RetryBackoffMs, config.RetryBackoffMaxMs);

    /// <summary>
    /// For each partition, the offset for its timestamp spec (see <see cref="OffsetSpec"/>). A partition with no record
    /// at or after a timestamp gets offset -1, as Kafka answers.
    /// </summary>
    public async Task<Dictionary<TopicPartition, ListedOffset>> ListAsync(
        IReadOnlyDictionary<TopicPartition, long> specs, IsolationLevel isolation, CancellationToken ct)
    {
        var result = new Dictionary<TopicPartition, ListedOffset>();
        var pending = new Dictionary<TopicPartition, long>(specs);
        var deadline = DateTime.UtcNow.AddMilliseconds(config.DefaultApiTimeoutMs);
        for (var attempt = 0; pending.Count > 0; attempt++)
        {
            KafkaClientException? lastError = null;
            var byLeader = new Dictionary<int, List<KeyValuePair<TopicPartition, long>>>();
            foreach (var (tp, spec) in pending)
            {
                var topic = await metadata.GetTopicAsync(tp.Topic, config.DefaultApiTimeoutMs, ct).ConfigureAwait(false);
                var leader = topic.GetPartition(tp.Partition)?.Leader ?? -1;
                if (topic.GetPartition(tp.Partition) is null)
                {
                    throw new KafkaBrokerException(ErrorCode.UnknownTopicOrPartition, $"topic {tp.Topic} has no partition {tp.Partition}", tp.ToString());
                }

                if (leader < 0)
                {
                    lastError = new KafkaBrokerException(ErrorCode.LeaderNotAvailable, null, tp.ToString());
                    continue;
                }

                if (!byLeader.TryGetValue(leader, out var list))
                {
                    byLeader[leader] = list = [];
                }

                list.Add(new(tp, spec));
            }

            var tasks = byLeader.Select(e => SendAsync(e.Key, e.Value, isolation, ct)).ToArray();
            try
            {
                await Task.WhenAll(tasks).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Collected per task below.
            }

            foreach (var task in tasks)
            {
                if (task.IsFaulted)
                {
                    var e = task.Exception!.InnerException;
                    if (e is KafkaClientException { IsRetriable: true } retriable)
                    {
                        lastError = retriable;
                        continue;
                    }

                    throw e!;
                }

                foreach (var (tp, answer) in task.Result)
                {
                    if (answer.Error is null)
                    {
                        result[tp] = answer.Offset;
                        pending.Remove(tp);
                    }
                    else if (!answer.Error.IsRetriable)
                    {
                        throw answer.Error;
                    }
                    else
                    {
                        lastError = answer.Error;
                    }
                }
            }

            if (pending.Count == 0)
            {
                break;
            }

            metadata.RequestUpdate();
            if (DateTime.UtcNow > deadline)
            {
                throw new KafkaTimeoutException($"listing offsets did not finish within default.api.timeout.ms ({config.DefaultApiTimeoutMs} ms): {lastError?.Message}", lastError);
            }

            await Task.Delay(_backoff.Delay(attempt), ct).ConfigureAwait(false);
        }

        return result;
    }

    private async Task<List<(TopicPartition, (ListedOffset Offset, KafkaBrokerException? Error))>> SendAsync(
        int leader, List<KeyValuePair<TopicPartition, long>> partitions, IsolationLevel isolation, CancellationToken ct)
    {
        var connection = await pool.GetAsync(leader, ct).ConfigureAwait(false);
        var needsMaxTimestamp = partitions.Exists(p => p.Value == OffsetSpec.MaxTimestamp);
        var minVersion = (short)(needsMaxTimestamp ? 7 : isolation == IsolationLevel.ReadCommitted ? 2 : 1);
        var response = await ConnectionPool.SendAsync<ListOffsetsResponse>(
            connection,
            ApiKey.ListOffsets,
            _ =>
            {
                var request = new ListOffsetsRequest { ReplicaId = -1, IsolationLevel = (sbyte)isolation, Topics = [], TimeoutMs = config.RequestTimeoutMs };
                foreach (var group in partitions.GroupBy(p => p.Key.Topic))
                {
                    var topic = new ListOffsetsRequest.ListOffsetsTopic { Name = group.Key, Partitions = [] };
                    foreach (var (tp, spec) in group)
                    {
                        topic.Partitions.Add(new ListOffsetsRequest.ListOffsetsPartition { PartitionIndex = tp.Partition, Timestamp = spec });
                    }

                    request.Topics.Add(topic);
                }

                return request;
            },
            ct,
            minVersion: minVersion).ConfigureAwait(false);

        var answers = new List<(TopicPartition, (ListedOffset, KafkaBrokerException?))>();
        foreach (var topic in response.Topics)
        {
            foreach (var p in topic.Partitions)
            {
                var tp = new TopicPartition(topic.Name, p.PartitionIndex);
                answers.Add((tp, (new ListedOffset(p.Offset, p.Timestamp, p.LeaderEpoch), KafkaBrokerException.FromCode(p.ErrorCode, null, tp.ToString()))));
            }
        }

        return answers;
    }
}
