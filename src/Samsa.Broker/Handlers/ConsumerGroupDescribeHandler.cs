using Samsa.Broker.Requests;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Handlers;

/// <summary>
/// ConsumerGroupDescribe (v0, KIP-848): epochs, assignor, and each member's subscription, current and target
/// assignment; authorized operations when asked.
/// </summary>
public sealed class ConsumerGroupDescribeHandler(BrokerServices services) : ApiHandler<ConsumerGroupDescribeRequest, ConsumerGroupDescribeResponse>
{
    public override ApiKey ApiKey => ApiKey.ConsumerGroupDescribe;

    public override short MinVersion => 0;

    public override ValueTask<ConsumerGroupDescribeResponse?> HandleAsync(ApiRequest<ConsumerGroupDescribeRequest> request)
    {
        var response = services.Groups.ConsumerGroupDescribe(CoordinatorContext.For(request), request.Body);
        foreach (var group in response.Groups)
        {
            group.AuthorizedOperations = request.Body.IncludeAuthorizedOperations && group.ErrorCode == 0 ? CoordinatorContext.GroupOperations : AuthorizedOperations.NotRequested;
        }

        return ValueTask.FromResult<ConsumerGroupDescribeResponse?>(response);
    }

    public override ConsumerGroupDescribeResponse ErrorResponse(ConsumerGroupDescribeRequest request, short version, ErrorCode error, string? message) => new()
    {
        Groups = [.. request.GroupIds.Select(g => new ConsumerGroupDescribeResponse.DescribedGroup { GroupId = g, ErrorCode = (short)error, ErrorMessage = message ?? error.DefaultMessage(), GroupState = "", AssignorName = "", Members = [] })],
    };
}
