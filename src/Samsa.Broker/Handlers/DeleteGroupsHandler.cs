using Samsa.Broker.Requests;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Handlers;

/// <summary>
/// DeleteGroups (v0-2): deletes empty groups and their offsets (NON_EMPTY_GROUP while members remain), durably, with
/// tombstones in <c>__consumer_offsets</c>.
/// </summary>
public sealed class DeleteGroupsHandler(BrokerServices services) : ApiHandler<DeleteGroupsRequest, DeleteGroupsResponse>
{
    public override ApiKey ApiKey => ApiKey.DeleteGroups;

    public override short MinVersion => 0;

    public override async ValueTask<DeleteGroupsResponse?> HandleAsync(ApiRequest<DeleteGroupsRequest> request) =>
        await services.Groups.DeleteGroupsAsync(CoordinatorContext.For(request), request.Body).ConfigureAwait(false);

    public override DeleteGroupsResponse ErrorResponse(DeleteGroupsRequest request, short version, ErrorCode error, string? message) => new()
    {
        Results = [.. request.GroupsNames.Distinct(StringComparer.Ordinal).Select(g => new DeleteGroupsResponse.DeletableGroupResult { GroupId = g, ErrorCode = (short)error })],
    };
}
