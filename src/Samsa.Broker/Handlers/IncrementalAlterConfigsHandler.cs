using Samsa.Broker.Requests;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Handlers;

/// <summary>
/// IncrementalAlterConfigs (v0-1): SET, DELETE, APPEND and SUBTRACT (list configs) on topic and broker resources,
/// decided by the controller with Kafka's codes (INVALID_CONFIG for a bad value, an unknown or read-only key);
/// validate-only writes nothing.
/// </summary>
public sealed class IncrementalAlterConfigsHandler(BrokerServices services) : ApiHandler<IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse>
{
    public override ApiKey ApiKey => ApiKey.IncrementalAlterConfigs;

    public override short MinVersion => 0;

    public override async ValueTask<IncrementalAlterConfigsResponse?> HandleAsync(ApiRequest<IncrementalAlterConfigsRequest> request)
    {
        var (response, error) = await ControllerCalls.CallAsync(services, (c, ct) => c.IncrementalAlterConfigsAsync(request.Body, ct), request.CancellationToken).ConfigureAwait(false);
        return response ?? ErrorResponse(request.Body, request.Version, error, null);
    }

    public override IncrementalAlterConfigsResponse ErrorResponse(IncrementalAlterConfigsRequest request, short version, ErrorCode error, string? message)
    {
        var response = new IncrementalAlterConfigsResponse();
        foreach (var resource in request.Resources)
        {
            response.Responses.Add(new IncrementalAlterConfigsResponse.AlterConfigsResourceResponse
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
