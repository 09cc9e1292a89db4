using Samsa.Broker.Requests;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Handlers;

/// <summary>
/// ConsumerGroupHeartbeat (v0-1, KIP-848; v1 adds regular-expression subscriptions and client-generated member ids,
/// and is what Kafka 4 advertises): join, heartbeat, reconcile and leave a consumer-protocol group with server-side
/// assignment. UNSUPPORTED_VERSION when <c>group.coordinator.rebalance.protocols</c> leaves out <c>consumer</c>.
/// </summary>
public sealed class ConsumerGroupHeartbeatHandler(BrokerServices services) : ApiHandler<ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse>
{
    public override ApiKey ApiKey => ApiKey.ConsumerGroupHeartbeat;

    public override short MinVersion => 0;

    public override async ValueTask<ConsumerGroupHeartbeatResponse?> HandleAsync(ApiRequest<ConsumerGroupHeartbeatRequest> request) =>
        await services.Groups.ConsumerGroupHeartbeatAsync(CoordinatorContext.For(request), request.Body).ConfigureAwait(false);

    public override ConsumerGroupHeartbeatResponse ErrorResponse(ConsumerGroupHeartbeatRequest request, short version, ErrorCode error, string? message) =>
        new() { ErrorCode = (short)error, ErrorMessage = message ?? error.DefaultMessage(), MemberEpoch = 0 };
}
