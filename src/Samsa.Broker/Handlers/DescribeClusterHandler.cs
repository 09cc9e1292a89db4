using Samsa.Broker.Requests;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Handlers;

/// <summary>DescribeCluster (v0-1): cluster id, the controller id clients see, and the live brokers on this listener.</summary>
public sealed class DescribeClusterHandler(BrokerServices services) : ApiHandler<DescribeClusterRequest, DescribeClusterResponse>
{
    /// <summary>DescribeCluster v1's endpoint types.</summary>
    private const sbyte BrokersEndpoint = 1;

    public override ApiKey ApiKey => ApiKey.DescribeCluster;

    public override short MinVersion => 0;

    public override ValueTask<DescribeClusterResponse?> HandleAsync(ApiRequest<DescribeClusterRequest> request)
    {
        var body = request.Body;
        if (request.Version >= 1 && body.EndpointType != BrokersEndpoint)
        {
            return ValueTask.FromResult<DescribeClusterResponse?>(ErrorResponse(body, request.Version, ErrorCode.UnsupportedEndpointType, "The broker only supports the broker endpoint type."));
        }

        var image = services.Image;
        var response = new DescribeClusterResponse
        {
            ClusterId = image.ClusterId,
            ControllerId = ClusterView.ControllerId(image, services.NodeId),
            ClusterAuthorizedOperations = body.IncludeClusterAuthorizedOperations ? AuthorizedOperations.Cluster : AuthorizedOperations.NotRequested,
            ErrorMessage = null,
        };
        if (request.Version >= 1)
        {
            response.EndpointType = BrokersEndpoint;
        }

        foreach (var (broker, endpoint) in ClusterView.LiveBrokers(image, request.Connection.ListenerName))
        {
            response.Brokers.Add(new DescribeClusterResponse.DescribeClusterBroker { BrokerId = broker.Id, Host = endpoint.Host, Port = endpoint.Port, Rack = broker.Rack });
        }

        return ValueTask.FromResult<DescribeClusterResponse?>(response);
    }

    public override DescribeClusterResponse ErrorResponse(DescribeClusterRequest request, short version, ErrorCode error, string? message) => new()
    {
        ErrorCode = (short)error,
        ErrorMessage = message ?? error.DefaultMessage(),
        ClusterId = services.Image.ClusterId,
        ControllerId = -1,
    };
}
