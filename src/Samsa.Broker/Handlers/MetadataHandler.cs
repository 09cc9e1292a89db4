using Samsa.Broker.Configuration;
using Samsa.Broker.Requests;
using Samsa.Metadata.Image;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;

namespace Samsa.Broker.Handlers;

/// <summary>
/// Metadata (v0-12): live brokers at the endpoint of the listener the request came on, cluster id, controller id,
/// and the topics asked for (all when the list is null, or empty in v0), by name or by id (v10+). A missing topic is
/// auto-created when <c>auto.create.topics.enable</c> and the request allow it (v4+; always before), and answered
/// LEADER_NOT_AVAILABLE while that happens, as Kafka does; otherwise UNKNOWN_TOPIC_OR_PARTITION.
/// </summary>
public sealed class MetadataHandler(BrokerServices services) : ApiHandler<MetadataRequest, MetadataResponse>
{
    public override ApiKey ApiKey => ApiKey.Metadata;

    public override short MinVersion => 0;

    public override ValueTask<MetadataResponse?> HandleAsync(ApiRequest<MetadataRequest> request)
    {
        var body = request.Body;
        var version = request.Version;
        var image = services.Image;
        var response = new MetadataResponse
        {
            ClusterId = image.ClusterId,
            ControllerId = ClusterView.ControllerId(image, services.NodeId),
            ClusterAuthorizedOperations = version is >= 8 and <= 10 && body.IncludeClusterAuthorizedOperations ? AuthorizedOperations.Cluster : AuthorizedOperations.NotRequested,
        };
        var live = new HashSet<int>();
        foreach (var (broker, endpoint) in ClusterView.LiveBrokers(image, request.Connection.ListenerName))
        {
            live.Add(broker.Id);
            response.Brokers.Add(new MetadataResponse.MetadataResponseBroker { NodeId = broker.Id, Host = endpoint.Host, Port = endpoint.Port, Rack = broker.Rack });
        }

        var topicOperations = version >= 8 && body.IncludeTopicAuthorizedOperations ? AuthorizedOperations.Topic : AuthorizedOperations.NotRequested;
        if (body.Topics is null || (version == 0 && body.Topics.Count == 0))
        {
            foreach (var topic in image.Topics.ByName.Values)
            {
                response.Topics.Add(Describe(topic, live, topicOperations));
            }

            return ValueTask.FromResult<MetadataResponse?>(response);
        }

        var toCreate = new List<string>();
        var autoCreate = services.Config.Get(BrokerConfigs.AutoCreateTopicsEnable) && (version < 4 || body.AllowAutoTopicCreation);
        foreach (var requested in body.Topics)
        {
            response.Topics.Add(Lookup(image, requested, version, live, topicOperations, autoCreate, toCreate));
        }

        if (toCreate.Count > 0)
        {
            services.AutoTopics.Create(toCreate);
        }

        return ValueTask.FromResult<MetadataResponse?>(response);
    }

    public override MetadataResponse ErrorResponse(MetadataRequest request, short version, ErrorCode error, string? message)
    {
        var response = new MetadataResponse { ClusterId = services.Image.ClusterId, ControllerId = -1 };
        foreach (var topic in request.Topics ?? [])
        {
            response.Topics.Add(new MetadataResponse.MetadataResponseTopic { Name = topic.Name, TopicId = topic.TopicId, ErrorCode = (short)error });
        }

        return response;
    }

    private static MetadataResponse.MetadataResponseTopic Lookup(
        MetadataImage image,
        MetadataRequest.MetadataRequestTopic requested,
        short version,
        HashSet<int> live,
        int topicOperations,
        bool autoCreate,
        List<string> toCreate)
    {
        if (requested.Name is null)
        {
            var byId = image.Topics.Get(requested.TopicId);
            return byId is not null
                ? Describe(byId, live, topicOperations)
                : Error(null, requested.TopicId, requested.TopicId.IsZero ? ErrorCode.InvalidRequest : ErrorCode.UnknownTopicId);
        }

        var topic = image.Topics.Get(requested.Name);
        if (topic is not null)
        {
            return Describe(topic, live, topicOperations);
        }

        if (TopicNames.Validate(requested.Name) is not null)
        {
            return Error(requested.Name, Uuid.Zero, ErrorCode.InvalidTopicException);
        }

        if (autoCreate && !TopicNames.IsInternal(requested.Name))
        {
            toCreate.Add(requested.Name);
            return Error(requested.Name, Uuid.Zero, ErrorCode.LeaderNotAvailable);
        }

        return Error(requested.Name, Uuid.Zero, ErrorCode.UnknownTopicOrPartition);
    }

    private static MetadataResponse.MetadataResponseTopic Error(string? name, Uuid id, ErrorCode error) =>
        new() { Name = name, TopicId = id, ErrorCode = (short)error, IsInternal = name is not null && TopicNames.IsInternal(name) };

    private static MetadataResponse.MetadataResponseTopic Describe(TopicImage topic, HashSet<int> live, int topicOperations)
    {
        var result = new MetadataResponse.MetadataResponseTopic
        {
            Name = topic.Name,
            TopicId = topic.Id,
            IsInternal = topic.IsInternal,
            TopicAuthorizedOperations = topicOperations,
            Partitions = new List<MetadataResponse.MetadataResponsePartition>(topic.PartitionCount),
        };
        foreach (var (id, partition) in topic.Partitions)
        {
            var leaderLive = partition.HasLeader && live.Contains(partition.Leader);
            var offline = new List<int>();
            foreach (var replica in partition.Replicas)
            {
                if (!live.Contains(replica))
                {
                    offline.Add(replica);
                }
            }

            result.Partitions.Add(new MetadataResponse.MetadataResponsePartition
            {
                PartitionIndex = id,
                ErrorCode = (short)(leaderLive ? ErrorCode.None : ErrorCode.LeaderNotAvailable),
                LeaderId = leaderLive ? partition.Leader : -1,
                LeaderEpoch = partition.LeaderEpoch,
                ReplicaNodes = [.. partition.Replicas],
                IsrNodes = [.. partition.Isr],
                OfflineReplicas = offline,
            });
        }

        return result;
    }
}
