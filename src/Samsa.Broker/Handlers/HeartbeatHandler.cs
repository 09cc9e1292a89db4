using Samsa.Broker.Requests;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Handlers;

/// <summary>Heartbeat (v0-4): keeps a classic member's session; REBALANCE_IN_PROGRESS tells it to rejoin.</summary>
public sealed class HeartbeatHandler(BrokerServices services) : ApiHandler<HeartbeatRequest, HeartbeatResponse>
{
    public override ApiKey ApiKey => ApiKey.Heartbeat;

    public override short MinVersion => 0;

    public override ValueTask<HeartbeatResponse?> HandleAsync(ApiRequest<HeartbeatRequest> request) =>
        ValueTask.FromResult<HeartbeatResponse?>(services.Groups.Heartbeat(CoordinatorContext.For(request), request.Body));

    public override HeartbeatResponse ErrorResponse(HeartbeatRequest request, short version, ErrorCode error, string? message) =>
        new() { ErrorCode = (short)error };
}
