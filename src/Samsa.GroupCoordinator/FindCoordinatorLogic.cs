using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;

namespace Samsa.GroupCoordinator;

/// <summary>A broker endpoint as FindCoordinator reports it.</summary>
public readonly record struct CoordinatorNode(int NodeId, string Host, int Port);

/// <summary>Who leads each partition of <c>__consumer_offsets</c>, on the listener the request came in on.</summary>
public interface IOffsetsTopicLeaders
{
    /// <summary>The leader of the partition, or null when the topic does not exist yet or the partition has no live leader.</summary>
    CoordinatorNode? LeaderOf(int partition);

    /// <summary>Asks for <c>__consumer_offsets</c> to be created if it does not exist (Kafka creates it on first lookup).</summary>
    void EnsureOffsetsTopicExists();
}

/// <summary>FindCoordinator: the coordinator of a group is the leader of its <c>__consumer_offsets</c> partition.</summary>
public static class FindCoordinatorLogic
{
    public const sbyte GroupKeyType = 0;
    public const sbyte TransactionKeyType = 1;
    public const sbyte ShareKeyType = 2;

    public static FindCoordinatorResponse Handle(FindCoordinatorRequest request, short version, int offsetsTopicPartitions, IOffsetsTopicLeaders leaders)
    {
        var keys = version >= 4 ? request.CoordinatorKeys : [request.Key];
        var results = new List<FindCoordinatorResponse.Coordinator>(keys.Count);
        foreach (var key in keys)
        {
            results.Add(Find(key, version >= 1 ? request.KeyType : GroupKeyType, offsetsTopicPartitions, leaders));
        }

        if (version >= 4)
        {
            return new FindCoordinatorResponse { Coordinators = results };
        }

        var single = results[0];
        return new FindCoordinatorResponse
        {
            ErrorCode = single.ErrorCode,
            ErrorMessage = version >= 1 ? single.ErrorMessage : null,
            NodeId = single.NodeId,
            Host = single.Host,
            Port = single.Port,
        };
    }

    private static FindCoordinatorResponse.Coordinator Find(string key, sbyte keyType, int partitions, IOffsetsTopicLeaders leaders)
    {
        switch (keyType)
        {
            case GroupKeyType:
                break;
            case TransactionKeyType:
                return Error(key, ErrorCode.InvalidRequest, "Transactions are not supported by this broker yet: there is no transaction coordinator.");
            case ShareKeyType:
                return Error(key, ErrorCode.InvalidRequest, "Share groups are not supported by this broker.");
            default:
                return Error(key, ErrorCode.InvalidRequest, $"Unknown coordinator key type {keyType}.");
        }

        if (string.IsNullOrEmpty(key))
        {
            return Error(key ?? "", ErrorCode.InvalidRequest, "The group id is empty.");
        }

        var partition = CoordinatorPartitioner.PartitionFor(key, partitions);
        if (leaders.LeaderOf(partition) is not { } node)
        {
            leaders.EnsureOffsetsTopicExists();
            return Error(key, ErrorCode.CoordinatorNotAvailable, "The coordinator is not available.");
        }

        return new FindCoordinatorResponse.Coordinator { Key = key, NodeId = node.NodeId, Host = node.Host, Port = node.Port };
    }

    private static FindCoordinatorResponse.Coordinator Error(string key, ErrorCode error, string message) =>
        new() { Key = key, ErrorCode = (short)error, ErrorMessage = message, NodeId = -1, Host = "", Port = -1 };
}
