using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;

namespace Samsa.Client.Consumer.Group;

/// <summary>The "consumer" protocol's member metadata and assignment bytes: an int16 version, then the struct.</summary>
internal static class ConsumerProtocol
{
    private const short SubscriptionVersion = 0;
    private const short AssignmentVersion = 0;

    public static byte[] Subscription(IEnumerable<string> topics)
    {
        using var writer = new ProtocolWriter();
        writer.WriteInt16(SubscriptionVersion);
        new ConsumerProtocolSubscription { Topics = [.. topics] }.Write(writer, SubscriptionVersion);
        return writer.ToArray();
    }

    public static byte[] Assignment(IEnumerable<TopicPartition> partitions)
    {
        using var writer = new ProtocolWriter();
        writer.WriteInt16(AssignmentVersion);
        new ConsumerProtocolAssignment
        {
            AssignedPartitions = [.. partitions.GroupBy(p => p.Topic).Select(g => new ConsumerProtocolAssignment.TopicPartition { Topic = g.Key, Partitions = [.. g.Select(p => p.Partition)] })],
        }.Write(writer, AssignmentVersion);
        return writer.ToArray();
    }
}
