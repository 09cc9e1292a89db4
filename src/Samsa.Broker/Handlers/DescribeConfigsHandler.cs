using Samsa.Broker.Requests;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Handlers;

/// <summary>
/// DescribeConfigs (v1-4; Kafka 4 removed v0): every config of a topic, of this broker (its id) or of the cluster-wide
/// dynamic defaults (the empty broker name), or the keys asked for, with value (none for sensitive ones), source,
/// read-only, sensitive, synonyms when asked, and type and documentation from v3.
/// </summary>
public sealed class DescribeConfigsHandler(BrokerServices services) : ApiHandler<DescribeConfigsRequest, DescribeConfigsResponse>
{
    public override ApiKey ApiKey => ApiKey.DescribeConfigs;

    public override short MinVersion => 1;

    public override ValueTask<DescribeConfigsResponse?> HandleAsync(ApiRequest<DescribeConfigsRequest> request)
    {
        var body = request.Body;
        var image = services.Image;
        var descriptions = new ConfigDescriptions(services, request.Version, body.IncludeSynonyms, body.IncludeDocumentation);
        var response = new DescribeConfigsResponse();
        foreach (var resource in body.Resources)
        {
            response.Results.Add(descriptions.Describe(image, resource));
        }

        return ValueTask.FromResult<DescribeConfigsResponse?>(response);
    }

    public override DescribeConfigsResponse ErrorResponse(DescribeConfigsRequest request, short version, ErrorCode error, string? message)
    {
        var response = new DescribeConfigsResponse();
        foreach (var resource in request.Resources)
        {
            response.Results.Add(new DescribeConfigsResponse.DescribeConfigsResult
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
