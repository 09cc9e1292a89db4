using Samsa.Broker.Requests;
using Samsa.Metadata.Image;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;
using Samsa.Storage;

namespace Samsa.Broker.Handlers;

/// <summary>
/// DeleteRecords (v0-2): moves each partition's log start offset up to the given offset (-1 means the high
/// watermark) and answers the new low watermark. An offset past the high watermark is OFFSET_OUT_OF_RANGE; a topic
/// whose cleanup.policy lacks delete is POLICY_VIOLATION, as in Kafka. Segments wholly below the new start are
/// removed by the next retention pass; reads below it answer OFFSET_OUT_OF_RANGE at once.
/// </summary>
public sealed class DeleteRecordsHandler(BrokerServices services) : ApiHandler<DeleteRecordsRequest, DeleteRecordsResponse>
{
    private const long HighWatermark = -1;

    public override ApiKey ApiKey => ApiKey.DeleteRecords;

    public override short MinVersion => 0;

    public override ValueTask<DeleteRecordsResponse?> HandleAsync(ApiRequest<DeleteRecordsRequest> request)
    {
        var image = services.Image;
        var response = new DeleteRecordsResponse();
        foreach (var topic in request.Body.Topics)
        {
            var result = new DeleteRecordsResponse.DeleteRecordsTopicResult { Name = topic.Name };
            response.Topics.Add(result);
            foreach (var partition in topic.Partitions)
            {
                var (error, lowWatermark) = Delete(image, topic.Name, partition);
                result.Partitions.Add(new DeleteRecordsResponse.DeleteRecordsPartitionResult { PartitionIndex = partition.PartitionIndex, ErrorCode = (short)error, LowWatermark = lowWatermark });
            }
        }

        return ValueTask.FromResult<DeleteRecordsResponse?>(response);
    }

    public override DeleteRecordsResponse ErrorResponse(DeleteRecordsRequest request, short version, ErrorCode error, string? message)
    {
        var response = new DeleteRecordsResponse();
        foreach (var topic in request.Topics)
        {
            response.Topics.Add(new DeleteRecordsResponse.DeleteRecordsTopicResult
            {
                Name = topic.Name,
                Partitions = [.. topic.Partitions.Select(p => new DeleteRecordsResponse.DeleteRecordsPartitionResult { PartitionIndex = p.PartitionIndex, ErrorCode = (short)error, LowWatermark = -1 })],
            });
        }

        return response;
    }

    private (ErrorCode Error, long LowWatermark) Delete(MetadataImage image, string topic, DeleteRecordsRequest.DeleteRecordsPartition requested)
    {
        var error = services.Replicas.LeaderFor(image, topic, requested.PartitionIndex, out var partition);
        if (error != ErrorCode.None)
        {
            return (error, -1);
        }

        var log = partition!.Log;
        if (!log.Config.IsDeleteEnabled)
        {
            return (ErrorCode.PolicyViolation, -1);
        }

        var offset = requested.Offset == HighWatermark ? log.HighWatermark : requested.Offset;
        if (offset < 0)
        {
            return (ErrorCode.OffsetOutOfRange, -1);
        }

        try
        {
            return (ErrorCode.None, log.IncreaseLogStartOffset(offset));
        }
        catch (StorageException e)
        {
            return ((ErrorCode)e.ErrorCode, -1);
        }
        catch (ObjectDisposedException)
        {
            return (ErrorCode.NotLeaderOrFollower, -1);
        }
    }
}
