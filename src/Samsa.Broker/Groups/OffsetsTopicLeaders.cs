using Samsa.GroupCoordinator;
using Samsa.Metadata.Image;

namespace Samsa.Broker.Groups;

/// <summary>FindCoordinator's view for one request: the live leader of each <c>__consumer_offsets</c> partition at the request's listener.</summary>
internal sealed class OffsetsTopicLeaders(MetadataImage image, string listenerName, OffsetsTopicCreator creator) : IOffsetsTopicLeaders
{
    public CoordinatorNode? LeaderOf(int partition)
    {
        var registration = image.Topics.Get(TopicNames.ConsumerOffsets)?.Partition(partition);
        if (registration is null || registration.Leader < 0)
        {
            return null;
        }

        var broker = image.Cluster.Broker(registration.Leader);
        return broker is { IsActive: true } && broker.Endpoint(listenerName) is { } endpoint
            ? new CoordinatorNode(broker.Id, endpoint.Host, endpoint.Port)
            : null;
    }

    public void EnsureOffsetsTopicExists() => _ = creator.Ensure();
}
