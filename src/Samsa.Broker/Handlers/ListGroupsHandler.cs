using Samsa.Broker.Requests;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Handlers;

/// <summary>
/// ListGroups (v0-5): the groups of the <c>__consumer_offsets</c> partitions this broker leads (clients ask every
/// broker, as with Kafka), filtered by state from v4 and by type from v5.
/// </summary>
public sealed class ListGroupsHandler(BrokerServices services) : ApiHandler<ListGroupsRequest, ListGroupsResponse>
{
    public override ApiKey ApiKey => ApiKey.ListGroups;

    public override short MinVersion => 0;

    public override ValueTask<ListGroupsResponse?> HandleAsync(ApiRequest<ListGroupsRequest> request) =>
        ValueTask.FromResult<ListGroupsResponse?>(services.Groups.ListGroups(CoordinatorContext.For(request), request.Body));

    public override ListGroupsResponse ErrorResponse(ListGroupsRequest request, short version, ErrorCode error, string? message) =>
        new() { ErrorCode = (short)error, Groups = [] };
}
