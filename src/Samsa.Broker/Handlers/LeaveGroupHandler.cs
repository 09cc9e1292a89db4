using Samsa.Broker.Requests;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Handlers;

/// <summary>LeaveGroup (v0-5): one member, or from v3 a batch of members (static ones by instance id alone).</summary>
public sealed class LeaveGroupHandler(BrokerServices services) : ApiHandler<LeaveGroupRequest, LeaveGroupResponse>
{
    public override ApiKey ApiKey => ApiKey.LeaveGroup;

    public override short MinVersion => 0;

    public override ValueTask<LeaveGroupResponse?> HandleAsync(ApiRequest<LeaveGroupRequest> request) =>
        ValueTask.FromResult<LeaveGroupResponse?>(services.Groups.LeaveGroup(CoordinatorContext.For(request), request.Body));

    public override LeaveGroupResponse ErrorResponse(LeaveGroupRequest request, short version, ErrorCode error, string? message) =>
        new() { ErrorCode = (short)error, Members = [] };
}
