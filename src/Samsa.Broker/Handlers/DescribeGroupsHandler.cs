using Samsa.Broker.Requests;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Handlers;

/// <summary>
/// DescribeGroups (v0-5): state, protocol and members of classic groups (a consumer-protocol group is described in
/// the classic shape too, as Kafka does); from v3 the authorized operations when asked (all of a group's, with no
/// authorizer).
/// </summary>
public sealed class DescribeGroupsHandler(BrokerServices services) : ApiHandler<DescribeGroupsRequest, DescribeGroupsResponse>
{
    public override ApiKey ApiKey => ApiKey.DescribeGroups;

    public override short MinVersion => 0;

    public override ValueTask<DescribeGroupsResponse?> HandleAsync(ApiRequest<DescribeGroupsRequest> request)
    {
        var response = services.Groups.DescribeGroups(CoordinatorContext.For(request), request.Body);
        var include = request.Version >= 3 && request.Body.IncludeAuthorizedOperations;
        foreach (var group in response.Groups)
        {
            group.AuthorizedOperations = include && group.ErrorCode == 0 ? CoordinatorContext.GroupOperations : AuthorizedOperations.NotRequested;
        }

        return ValueTask.FromResult<DescribeGroupsResponse?>(response);
    }

    public override DescribeGroupsResponse ErrorResponse(DescribeGroupsRequest request, short version, ErrorCode error, string? message) => new()
    {
        Groups = [.. request.Groups.Select(g => new DescribeGroupsResponse.DescribedGroup { GroupId = g, ErrorCode = (short)error, GroupState = "", ProtocolType = "", ProtocolData = "", Members = [] })],
    };
}
