using Samsa.Broker.Requests;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Handlers;

/// <summary>
/// OffsetDelete (v0): removes a group's committed offsets of partitions it does not consume
/// (GROUP_SUBSCRIBED_TO_TOPIC otherwise), durably, with tombstones in <c>__consumer_offsets</c>.
/// </summary>
public sealed class OffsetDeleteHandler(BrokerServices services) : ApiHandler<OffsetDeleteRequest, OffsetDeleteResponse>
{
    public override ApiKey ApiKey => ApiKey.OffsetDelete;

    public override short MinVersion => 0;

    public override async ValueTask<OffsetDeleteResponse?> HandleAsync(ApiRequest<OffsetDeleteRequest> request) =>
        await services.Groups.OffsetDeleteAsync(CoordinatorContext.For(request), request.Body).ConfigureAwait(false);

    public override OffsetDeleteResponse ErrorResponse(OffsetDeleteRequest request, short version, ErrorCode error, string? message) =>
        new() { ErrorCode = (short)error, Topics = [] };
}
