using Samsa.Broker.Configuration;
using Samsa.Broker.Requests;
using Samsa.Metadata.Image;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;
using TopicResult = Samsa.Protocol.Messages.DescribeTopicPartitionsResponse.DescribeTopicPartitionsResponseTopic;

namespace Samsa.Broker.Handlers;

/// <summary>
/// DescribeTopicPartitions (v0, KIP-966): the topics asked for (every topic when the list is empty) in name order,
/// from the cursor's topic and partition on, at most <c>ResponsePartitionLimit</c> partitions (capped by
/// <c>max.request.partition.size.limit</c>). When partitions are left over, <c>NextCursor</c> names the first of
/// them. A cursor whose topic the list does not name is INVALID_REQUEST, as in Kafka.
/// </summary>
public sealed class DescribeTopicPartitionsHandler(BrokerServices services) : ApiHandler<DescribeTopicPartitionsRequest, DescribeTopicPartitionsResponse>
{
    public override ApiKey ApiKey => ApiKey.DescribeTopicPartitions;

    public override short MinVersion => 0;

    public override ValueTask<DescribeTopicPartitionsResponse?> HandleAsync(ApiRequest<DescribeTopicPartitionsRequest> request)
    {
        var body = request.Body;
        var image = services.Image;
        var cursor = body.Cursor;
        var names = body.Topics.Count == 0
            ? [.. image.Topics.ByName.Keys]
            : body.Topics.Select(t => t.Name).Distinct(StringComparer.Ordinal).ToList();
        if (cursor is not null && body.Topics.Count > 0 && !names.Contains(cursor.TopicName, StringComparer.Ordinal))
        {
            return ValueTask.FromResult<DescribeTopicPartitionsResponse?>(ErrorResponse(body, request.Version, ErrorCode.InvalidRequest, null));
        }

        names.Sort(StringComparer.Ordinal);
        var limit = Math.Max(1, Math.Min(body.ResponsePartitionLimit, services.Config.Get(BrokerConfigs.MaxRequestPartitionSizeLimit)));
        var response = new DescribeTopicPartitionsResponse();
        var live = ClusterView.LiveBrokers(image, request.Connection.ListenerName).Select(b => b.Broker.Id).ToHashSet();
        foreach (var name in names.Where(n => cursor is null || string.CompareOrdinal(n, cursor.TopicName) >= 0))
        {
            if (limit == 0)
            {
                response.NextCursor = new DescribeTopicPartitionsResponse.Cursor { TopicName = name, PartitionIndex = 0 };
                break;
            }

            var topic = image.Topics.Get(name);
            if (topic is null)
            {
                response.Topics.Add(Missing(name));
                continue;
            }

            var first = cursor is not null && cursor.TopicName == name ? cursor.PartitionIndex : 0;
            var result = Describe(topic, first, limit, live, out var next);
            response.Topics.Add(result);
            limit -= result.Partitions.Count;
            if (next is { } partition)
            {
                response.NextCursor = new DescribeTopicPartitionsResponse.Cursor { TopicName = name, PartitionIndex = partition };
                break;
            }
        }

        return ValueTask.FromResult<DescribeTopicPartitionsResponse?>(response);
    }

    public override DescribeTopicPartitionsResponse ErrorResponse(DescribeTopicPartitionsRequest request, short version, ErrorCode error, string? message)
    {
        var response = new DescribeTopicPartitionsResponse();
        foreach (var topic in request.Topics)
        {
            response.Topics.Add(new TopicResult { Name = topic.Name, ErrorCode = (short)error, TopicId = Uuid.Zero });
        }

        return response;
    }

    private static TopicResult Missing(string name) => new()
    {
        Name = name,
        ErrorCode = (short)(TopicNames.Validate(name) is null ? ErrorCode.UnknownTopicOrPartition : ErrorCode.InvalidTopicException),
        TopicId = Uuid.Zero,
        IsInternal = TopicNames.IsInternal(name),
    };

    /// <summary>The topic's partitions from <paramref name="first"/> on, at most <paramref name="limit"/>; <paramref name="next"/> is the first one left out.</summary>
    private static TopicResult Describe(TopicImage topic, int first, int limit, HashSet<int> live, out int? next)
    {
        next = null;
        var result = new TopicResult { Name = topic.Name, TopicId = topic.Id, IsInternal = topic.IsInternal, TopicAuthorizedOperations = AuthorizedOperations.Topic };
        foreach (var (id, partition) in topic.Partitions)
        {
            if (id < first)
            {
                continue;
            }

            if (result.Partitions.Count == limit)
            {
                next = id;
                break;
            }

            var leaderLive = partition.HasLeader && live.Contains(partition.Leader);
            result.Partitions.Add(new DescribeTopicPartitionsResponse.DescribeTopicPartitionsResponsePartition
            {
                PartitionIndex = id,
                ErrorCode = (short)(leaderLive ? ErrorCode.None : ErrorCode.LeaderNotAvailable),
                LeaderId = leaderLive ? partition.Leader : -1,
                LeaderEpoch = partition.LeaderEpoch,
                ReplicaNodes = [.. partition.Replicas],
                IsrNodes = [.. partition.Isr],
                EligibleLeaderReplicas = [],
                LastKnownElr = [],
                OfflineReplicas = [.. partition.Replicas.Where(r => !live.Contains(r))],
            });
        }

        return result;
    }
}
