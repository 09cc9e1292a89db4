using Samsa.Broker.Requests;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Handlers;

/// <summary>
/// JoinGroup (v0-9): a long poll that completes when the group's join phase ends (or at once with
/// MEMBER_ID_REQUIRED for a new member from v4, KIP-394). A stopping broker answers NOT_COORDINATOR.
/// </summary>
public sealed class JoinGroupHandler(BrokerServices services) : ApiHandler<JoinGroupRequest, JoinGroupResponse>
{
    public override ApiKey ApiKey => ApiKey.JoinGroup;

    public override short MinVersion => 0;

    public override async ValueTask<JoinGroupResponse?> HandleAsync(ApiRequest<JoinGroupRequest> request) =>
        await CoordinatorContext.UntilStoppingAsync(
            request,
            services.Groups.JoinGroupAsync(CoordinatorContext.For(request), request.Body),
            () => ErrorResponse(request.Body, request.Version, ErrorCode.NotCoordinator, null)).ConfigureAwait(false);

    public override JoinGroupResponse ErrorResponse(JoinGroupRequest request, short version, ErrorCode error, string? message) => new()
    {
        ErrorCode = (short)error,
        GenerationId = -1,
        ProtocolName = version >= 7 ? null : "",
        Leader = "",
        MemberId = request.MemberId,
        Members = [],
    };
}
