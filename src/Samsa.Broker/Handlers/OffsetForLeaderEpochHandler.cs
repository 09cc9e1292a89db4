using Samsa.Broker.Requests;
using Samsa.Metadata.Image;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Handlers;

/// <summary>
/// OffsetForLeaderEpoch (v2-4; Kafka 4 removed v0-1): for each partition, the largest epoch at or below the one asked
/// for and the offset where it ended, from the leader-epoch cache (the log end offset for the current epoch;
/// -1/-1 when the epoch is unknown). Clients use it to detect log truncation after a leader change. The client's
/// current leader epoch is checked as for Fetch (FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH).
/// </summary>
public sealed class OffsetForLeaderEpochHandler(BrokerServices services) : ApiHandler<OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse>
{
    public override ApiKey ApiKey => ApiKey.OffsetForLeaderEpoch;

    public override short MinVersion => 2;

    public override ValueTask<OffsetForLeaderEpochResponse?> HandleAsync(ApiRequest<OffsetForLeaderEpochRequest> request)
    {
        var image = services.Image;
        var response = new OffsetForLeaderEpochResponse();
        foreach (var topic in request.Body.Topics)
        {
            response.Topics.Add(new OffsetForLeaderEpochResponse.OffsetForLeaderTopicResult
            {
                Topic = topic.Topic,
                Partitions = [.. topic.Partitions.Select(p => EndOffset(image, topic.Topic, p))],
            });
        }

        return ValueTask.FromResult<OffsetForLeaderEpochResponse?>(response);
    }

    public override OffsetForLeaderEpochResponse ErrorResponse(OffsetForLeaderEpochRequest request, short version, ErrorCode error, string? message)
    {
        var response = new OffsetForLeaderEpochResponse();
        foreach (var topic in request.Topics)
        {
            response.Topics.Add(new OffsetForLeaderEpochResponse.OffsetForLeaderTopicResult
            {
                Topic = topic.Topic,
                Partitions = [.. topic.Partitions.Select(p => Failed(p.Partition, error))],
            });
        }

        return response;
    }

    private static OffsetForLeaderEpochResponse.EpochEndOffset Failed(int partition, ErrorCode error) =>
        new() { Partition = partition, ErrorCode = (short)error, LeaderEpoch = -1, EndOffset = -1 };

    private OffsetForLeaderEpochResponse.EpochEndOffset EndOffset(MetadataImage image, string topic, OffsetForLeaderEpochRequest.OffsetForLeaderPartition requested)
    {
        var error = services.Replicas.LeaderFor(image, topic, requested.Partition, out var partition);
        if (error == ErrorCode.None)
        {
            error = partition!.CheckLeaderEpoch(requested.CurrentLeaderEpoch);
        }

        if (error != ErrorCode.None)
        {
            return Failed(requested.Partition, error);
        }

        try
        {
            var (epoch, endOffset) = partition!.Log.EndOffsetForEpoch(requested.LeaderEpoch);
            return new() { Partition = requested.Partition, LeaderEpoch = epoch, EndOffset = endOffset };
        }
        catch (ObjectDisposedException)
        {
            return Failed(requested.Partition, ErrorCode.NotLeaderOrFollower);
        }
    }
}
