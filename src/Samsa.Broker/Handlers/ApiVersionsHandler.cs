using System.Text.RegularExpressions;
using Samsa.Broker.Requests;
using Samsa.Metadata.Records;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Handlers;

/// <summary>The client's software name and version from ApiVersions v3+, kept per connection.</summary>
public sealed record ClientSoftware(string Name, string Version);

/// <summary>
/// ApiVersions (v0-4): the registered APIs with the versions their handlers serve, and the metadata.version feature.
/// A v3+ client must name its software with Kafka's pattern, else INVALID_REQUEST. An unknown (too new) version
/// is answered by the router with a v0 response (KIP-511).
/// </summary>
public sealed partial class ApiVersionsHandler(ApiHandlerTable table, BrokerServices services) : ApiHandler<ApiVersionsRequest, ApiVersionsResponse>
{
    public override ApiKey ApiKey => ApiKey.ApiVersions;

    public override short MinVersion => 0;

    public override ValueTask<ApiVersionsResponse?> HandleAsync(ApiRequest<ApiVersionsRequest> request)
    {
        if (request.Version >= 3)
        {
            var body = request.Body;
            if (!SoftwarePattern().IsMatch(body.ClientSoftwareName) || !SoftwarePattern().IsMatch(body.ClientSoftwareVersion))
            {
                return ValueTask.FromResult<ApiVersionsResponse?>(ErrorResponse(body, request.Version, ErrorCode.InvalidRequest, null));
            }

            request.Connection.State ??= new ClientSoftware(body.ClientSoftwareName, body.ClientSoftwareVersion);
        }

        var response = new ApiVersionsResponse { ApiKeys = table.ApiVersions() };
        if (request.Version >= 3)
        {
            var image = services.Image;
            response.SupportedFeatures = [new ApiVersionsResponse.SupportedFeatureKey { Name = MetadataVersion.FeatureName, MinVersion = MetadataVersion.MinimumLevel, MaxVersion = MetadataVersion.LatestLevel }];
            response.FinalizedFeaturesEpoch = image.Offset;
            response.FinalizedFeatures = [.. image.Features.Levels.Select(f => new ApiVersionsResponse.FinalizedFeatureKey { Name = f.Key, MinVersionLevel = f.Value, MaxVersionLevel = f.Value })];
        }

        return ValueTask.FromResult<ApiVersionsResponse?>(response);
    }

    public override ApiVersionsResponse ErrorResponse(ApiVersionsRequest request, short version, ErrorCode error, string? message) =>
        new() { ErrorCode = (short)error, ApiKeys = table.ApiVersions() };

    [GeneratedRegex("^[a-zA-Z0-9](?:[a-zA-Z0-9\\-.]*[a-zA-Z0-9])?$")]
    private static partial Regex SoftwarePattern();
}
