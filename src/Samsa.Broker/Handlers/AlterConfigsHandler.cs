using Samsa.Broker.Requests;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Handlers;

/// <summary>
/// AlterConfigs (v0-2), the legacy form: each topic or broker resource's dynamic configs are replaced by the given
/// set (keys left out are removed). Decided by the controller; validate-only writes nothing. Broker changes reach
/// the running broker through the metadata log (<see cref="Metadata.DynamicConfigPublisher"/>).
/// </summary>
public sealed class AlterConfigsHandler(BrokerServices services) : ApiHandler<AlterConfigsRequest, AlterConfigsResponse>
{
    public override ApiKey ApiKey => ApiKey.AlterConfigs;

    public override short MinVersion => 0;

    public override async ValueTask<AlterConfigsResponse?> HandleAsync(ApiRequest<AlterConfigsRequest> request)
    {
        var (response, error) = await ControllerCalls.CallAsync(services, (c, ct) => c.LegacyAlterConfigsAsync(request.Body, ct), request.CancellationToken).ConfigureAwait(false);
        return response ?? ErrorResponse(request.Body, request.Version, error, null);
    }

    public override AlterConfigsResponse ErrorResponse(AlterConfigsRequest request, short version, ErrorCode error, string? message)
    {
        var response = new AlterConfigsResponse();
        foreach (var resource in request.Resources)
        {
            response.Responses.Add(new AlterConfigsResponse.AlterConfigsResourceResponse
            {
                ResourceType = resource.ResourceType,
                ResourceName = resource.ResourceName,
                ErrorCode = (short)error,
                ErrorMessage = message ?? error.DefaultMessage(),
            });
        }

        return response;
    }
}
