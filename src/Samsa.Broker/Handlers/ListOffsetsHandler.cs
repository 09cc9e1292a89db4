using Samsa.Broker.Partitions;
using Samsa.Broker.Requests;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;
using Samsa.Storage;

namespace Samsa.Broker.Handlers;

/// <summary>
/// ListOffsets (v1-10; Kafka 4 removed v0): earliest (-2), latest (-1), max timestamp (-3), earliest local (-4),
/// latest tiered (-5, none without tiered storage) or the first offset at or after a timestamp. Consumers see up to
/// the high watermark (read_uncommitted) or the last stable offset (read_committed); an answer past that is "no
/// offset" (-1), as in Kafka.
/// </summary>
public sealed class ListOffsetsHandler(BrokerServices services) : ApiHandler<ListOffsetsRequest, ListOffsetsResponse>
{
    private const int ConsumerReplicaId = -1;
    private const long EarliestLocal = -4;
    private const long LatestTiered = -5;

    public override ApiKey ApiKey => ApiKey.ListOffsets;

    public override short MinVersion => 1;

    public override ValueTask<ListOffsetsResponse?> HandleAsync(ApiRequest<ListOffsetsRequest> request)
    {
        var body = request.Body;
        var image = services.Image;
        var response = new ListOffsetsResponse();
        var seen = new HashSet<(string, int)>();
        var duplicates = new HashSet<(string, int)>();
        foreach (var topic in body.Topics)
        {
            foreach (var partition in topic.Partitions)
            {
                if (!seen.Add((topic.Name, partition.PartitionIndex)))
                {
                    duplicates.Add((topic.Name, partition.PartitionIndex));
                }
            }
        }

        foreach (var topic in body.Topics)
        {
            var topicResponse = new ListOffsetsResponse.ListOffsetsTopicResponse { Name = topic.Name };
            response.Topics.Add(topicResponse);
            foreach (var requested in topic.Partitions)
            {
                var result = duplicates.Contains((topic.Name, requested.PartitionIndex))
                    ? Failed(requested.PartitionIndex, ErrorCode.InvalidRequest)
                    : List(image, topic.Name, requested, body);
                if (request.Version < 4)
                {
                    result.LeaderEpoch = -1;
                }

                topicResponse.Partitions.Add(result);
            }
        }

        return ValueTask.FromResult<ListOffsetsResponse?>(response);
    }

    public override ListOffsetsResponse ErrorResponse(ListOffsetsRequest request, short version, ErrorCode error, string? message)
    {
        var response = new ListOffsetsResponse();
        foreach (var topic in request.Topics)
        {
            response.Topics.Add(new ListOffsetsResponse.ListOffsetsTopicResponse
            {
                Name = topic.Name,
                Partitions = [.. topic.Partitions.Select(p => Failed(p.PartitionIndex, error))],
            });
        }

        return response;
    }

    private static ListOffsetsResponse.ListOffsetsPartitionResponse Failed(int partition, ErrorCode error) =>
        new() { PartitionIndex = partition, ErrorCode = (short)error, Timestamp = -1, Offset = -1, LeaderEpoch = -1 };

    private ListOffsetsResponse.ListOffsetsPartitionResponse List(Samsa.Metadata.Image.MetadataImage image, string topic, ListOffsetsRequest.ListOffsetsPartition requested, ListOffsetsRequest body)
    {
        var error = services.Replicas.LeaderFor(image, topic, requested.PartitionIndex, out var partition);
        if (error == ErrorCode.None)
        {
            error = partition!.CheckLeaderEpoch(requested.CurrentLeaderEpoch);
        }

        if (error != ErrorCode.None)
        {
            return Failed(requested.PartitionIndex, error);
        }

        try
        {
            var found = Find(partition!, requested.Timestamp, body.ReplicaId, body.IsolationLevel);
            return found is { } hit
                ? new() { PartitionIndex = requested.PartitionIndex, Timestamp = hit.Timestamp, Offset = hit.Offset, LeaderEpoch = hit.LeaderEpoch }
                : new() { PartitionIndex = requested.PartitionIndex, Timestamp = -1, Offset = -1, LeaderEpoch = -1 };
        }
        catch (StorageException e)
        {
            return Failed(requested.PartitionIndex, (ErrorCode)e.ErrorCode);
        }
        catch (ObjectDisposedException)
        {
            return Failed(requested.PartitionIndex, ErrorCode.NotLeaderOrFollower);
        }
    }

    private static TimestampAndOffset? Find(Partition partition, long timestamp, int replicaId, sbyte isolationLevel)
    {
        var log = partition.Log;
        var lastFetchable = replicaId is ConsumerReplicaId
            ? (isolationLevel == 1 ? partition.LastStableOffset : partition.HighWatermark)
            : log.LogEndOffset;
        switch (timestamp)
        {
            case ListOffsetsTimestamp.Earliest or EarliestLocal:
                return log.FetchOffsetByTimestamp(ListOffsetsTimestamp.Earliest);
            case ListOffsetsTimestamp.Latest:
                return new TimestampAndOffset(-1, lastFetchable, partition.Leadership.LeaderEpoch);
            case LatestTiered:
                // LATEST_TIERED: nothing is tiered.
                return null;
            case < LatestTiered:
                timestamp = 0;
                break;
        }

        var found = log.FetchOffsetByTimestamp(timestamp);
        return found is { } hit && hit.Offset < lastFetchable ? hit : null;
    }
}
