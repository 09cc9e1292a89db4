using Samsa.Metadata.Image;

namespace Samsa.Broker.Handlers;

/// <summary>How Metadata and DescribeCluster show the cluster: live brokers at the endpoint of the request's listener.</summary>
internal static class ClusterView
{
    /// <summary>Unfenced brokers that have an endpoint for <paramref name="listenerName"/>, in id order.</summary>
    public static IEnumerable<(BrokerRegistration Broker, BrokerEndpoint Endpoint)> LiveBrokers(MetadataImage image, string listenerName)
    {
        foreach (var broker in image.Cluster.Brokers.Values)
        {
            if (!broker.Fenced && broker.Endpoint(listenerName) is { } endpoint)
            {
                yield return (broker, endpoint);
            }
        }
    }

    /// <summary>
    /// The id shown as controller. Kafka (KRaft) shows a live broker, since clients never talk to controllers: this
    /// node when it is live, else the lowest live broker, else -1.
    /// </summary>
    public static int ControllerId(MetadataImage image, int nodeId)
    {
        if (image.Cluster.IsActive(nodeId))
        {
            return nodeId;
        }

        foreach (var broker in image.Cluster.Brokers.Values)
        {
            if (broker.IsActive)
            {
                return broker.Id;
            }
        }

        return -1;
    }
}
