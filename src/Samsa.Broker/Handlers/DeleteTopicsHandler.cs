using Samsa.Broker.Requests;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Handlers;

/// <summary>
/// DeleteTopics (v1-6; Kafka 4 removed v0): by name, or from v6 by name or topic id. Refused with
/// TOPIC_DELETION_DISABLED when <c>delete.topic.enable</c> is false. The logs go when the deletion is replayed.
/// </summary>
public sealed class DeleteTopicsHandler(BrokerServices services) : ApiHandler<DeleteTopicsRequest, DeleteTopicsResponse>
{
    public override ApiKey ApiKey => ApiKey.DeleteTopics;

    public override short MinVersion => 1;

    public override async ValueTask<DeleteTopicsResponse?> HandleAsync(ApiRequest<DeleteTopicsRequest> request)
    {
        var states = Entries(request.Body, request.Version);
        var (results, error) = await ControllerCalls.CallAsync(services, (c, ct) => c.DeleteTopicsAsync(states, ct), request.CancellationToken).ConfigureAwait(false);
        if (results is null)
        {
            return ErrorResponse(request.Body, request.Version, error, null);
        }

        foreach (var result in results)
        {
            Trim(result, request.Version);
        }

        return new DeleteTopicsResponse { Responses = results };
    }

    public override DeleteTopicsResponse ErrorResponse(DeleteTopicsRequest request, short version, ErrorCode error, string? message)
    {
        var response = new DeleteTopicsResponse();
        foreach (var state in Entries(request, version))
        {
            var result = new DeleteTopicsResponse.DeletableTopicResult { Name = state.Name, TopicId = state.TopicId, ErrorCode = (short)error, ErrorMessage = message };
            Trim(result, version);
            response.Responses.Add(result);
        }

        return response;
    }

    /// <summary>v0-5 name topics in TopicNames; v6 in Topics, each by name or id.</summary>
    private static List<DeleteTopicsRequest.DeleteTopicState> Entries(DeleteTopicsRequest request, short version) =>
        version >= 6 ? request.Topics : [.. request.TopicNames.Select(n => new DeleteTopicsRequest.DeleteTopicState { Name = n })];

    private static void Trim(DeleteTopicsResponse.DeletableTopicResult result, short version)
    {
        if (version < 6)
        {
            result.TopicId = default;
        }

        if (version < 5)
        {
            result.ErrorMessage = null;
        }
    }
}
