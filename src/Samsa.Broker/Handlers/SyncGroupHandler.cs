using Samsa.Broker.Requests;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Handlers;

/// <summary>
/// SyncGroup (v0-5): the leader hands in the assignment; followers wait for it. A stopping broker answers
/// NOT_COORDINATOR.
/// </summary>
public sealed class SyncGroupHandler(BrokerServices services) : ApiHandler<SyncGroupRequest, SyncGroupResponse>
{
    public override ApiKey ApiKey => ApiKey.SyncGroup;

    public override short MinVersion => 0;

    public override async ValueTask<SyncGroupResponse?> HandleAsync(ApiRequest<SyncGroupRequest> request) =>
        await CoordinatorContext.UntilStoppingAsync(
            request,
            services.Groups.SyncGroupAsync(CoordinatorContext.For(request), request.Body),
            () => ErrorResponse(request.Body, request.Version, ErrorCode.NotCoordinator, null)).ConfigureAwait(false);

    public override SyncGroupResponse ErrorResponse(SyncGroupRequest request, short version, ErrorCode error, string? message) =>
        new() { ErrorCode = (short)error, Assignment = [] };
}
