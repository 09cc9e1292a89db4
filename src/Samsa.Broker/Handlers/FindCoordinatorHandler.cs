using Samsa.Broker.Groups;
using Samsa.Broker.Requests;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Handlers;

/// <summary>
/// FindCoordinator (v0-6; batched keys from v4): a group's coordinator is the leader of its
/// <c>__consumer_offsets</c> partition at the request's listener. The first lookup creates the topic
/// (COORDINATOR_NOT_AVAILABLE until it has leaders). Transaction and share keys are INVALID_REQUEST until those
/// coordinators exist.
/// </summary>
public sealed class FindCoordinatorHandler(BrokerServices services) : ApiHandler<FindCoordinatorRequest, FindCoordinatorResponse>
{
    public override ApiKey ApiKey => ApiKey.FindCoordinator;

    public override short MinVersion => 0;

    public override ValueTask<FindCoordinatorResponse?> HandleAsync(ApiRequest<FindCoordinatorRequest> request)
    {
        var leaders = new OffsetsTopicLeaders(services.Image, request.Connection.ListenerName, services.OffsetsTopic);
        return ValueTask.FromResult<FindCoordinatorResponse?>(services.Groups.FindCoordinator(CoordinatorContext.For(request), request.Body, leaders));
    }

    public override FindCoordinatorResponse ErrorResponse(FindCoordinatorRequest request, short version, ErrorCode error, string? message)
    {
        var text = message ?? error.DefaultMessage();
        if (version >= 4)
        {
            return new FindCoordinatorResponse
            {
                Coordinators = [.. request.CoordinatorKeys.Select(k => new FindCoordinatorResponse.Coordinator { Key = k, ErrorCode = (short)error, ErrorMessage = text, NodeId = -1, Host = "", Port = -1 })],
            };
        }

        return new FindCoordinatorResponse { ErrorCode = (short)error, ErrorMessage = version >= 1 ? text : null, NodeId = -1, Host = "", Port = -1 };
    }
}
