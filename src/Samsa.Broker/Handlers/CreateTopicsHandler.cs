using Samsa.Broker.Requests;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Handlers;

/// <summary>
/// CreateTopics (v2-7; Kafka 4 removed v0-1): the controller validates and creates (Kafka's codes and messages
/// per topic, validate-only honoured); from v5 each created topic comes back with its partitions, replication
/// factor and effective configs, from v7 with its topic id.
/// </summary>
public sealed class CreateTopicsHandler(BrokerServices services) : ApiHandler<CreateTopicsRequest, CreateTopicsResponse>
{
    public override ApiKey ApiKey => ApiKey.CreateTopics;

    public override short MinVersion => 2;

    public override async ValueTask<CreateTopicsResponse?> HandleAsync(ApiRequest<CreateTopicsRequest> request)
    {
        var (response, error) = await ControllerCalls.CallAsync(services, (c, ct) => c.CreateTopicsAsync(request.Body, ct), request.CancellationToken).ConfigureAwait(false);
        if (response is null)
        {
            return ErrorResponse(request.Body, request.Version, error, null);
        }

        foreach (var topic in response.Topics)
        {
            if (request.Version >= 5 && topic.ErrorCode == 0)
            {
                var overrides = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var config in request.Body.Topics.First(t => t.Name == topic.Name).Configs)
                {
                    overrides[config.Name] = config.Value!;
                }

                topic.Configs = [.. services.TopicConfigs.Describe(overrides).Select(e => new CreateTopicsResponse.CreatableTopicConfigs
                {
                    Name = e.Name,
                    Value = e.Value,
                    ReadOnly = e.IsReadOnly,
                    ConfigSource = (sbyte)e.Source,
                    IsSensitive = e.IsSensitive,
                })];
            }
            else
            {
                topic.Configs = null;
            }

            Trim(topic, request.Version);
        }

        return response;
    }

    public override CreateTopicsResponse ErrorResponse(CreateTopicsRequest request, short version, ErrorCode error, string? message)
    {
        var response = new CreateTopicsResponse();
        foreach (var name in request.Topics.Select(t => t.Name).Distinct(StringComparer.Ordinal))
        {
            var topic = new CreateTopicsResponse.CreatableTopicResult { Name = name, ErrorCode = (short)error, ErrorMessage = message ?? error.DefaultMessage(), Configs = null };
            Trim(topic, version);
            response.Topics.Add(topic);
        }

        return response;
    }

    /// <summary>Leaves out what the request's version does not carry.</summary>
    private static void Trim(CreateTopicsResponse.CreatableTopicResult topic, short version)
    {
        if (version < 5)
        {
            topic.NumPartitions = -1;
            topic.ReplicationFactor = -1;
            topic.Configs = null;
            topic.TopicConfigErrorCode = 0;
        }

        if (version < 7)
        {
            topic.TopicId = default;
        }
    }
}
