using Samsa.Broker.Requests;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Handlers;

/// <summary>
/// OffsetCommit (v2-9; Kafka 4 removed v0-1): topics the metadata does not know are UNKNOWN_TOPIC_OR_PARTITION
/// here, as Kafka's request handler decides; the rest go to the coordinator, which checks the member and generation
/// (or member epoch) and answers once the commit is durable in <c>__consumer_offsets</c>.
/// </summary>
public sealed class OffsetCommitHandler(BrokerServices services) : ApiHandler<OffsetCommitRequest, OffsetCommitResponse>
{
    public override ApiKey ApiKey => ApiKey.OffsetCommit;

    public override short MinVersion => 2;

    public override async ValueTask<OffsetCommitResponse?> HandleAsync(ApiRequest<OffsetCommitRequest> request)
    {
        var body = request.Body;
        var image = services.Image;
        var unknown = body.Topics.Where(t => image.Topics.Get(t.Name) is null).ToList();
        body.Topics = [.. body.Topics.Where(t => image.Topics.Get(t.Name) is not null)];
        var response = body.Topics.Count == 0
            ? new OffsetCommitResponse()
            : await services.Groups.OffsetCommitAsync(CoordinatorContext.For(request), body).ConfigureAwait(false);
        response.Topics.AddRange(unknown.Select(t => Failed(t, ErrorCode.UnknownTopicOrPartition)));
        return response;
    }

    public override OffsetCommitResponse ErrorResponse(OffsetCommitRequest request, short version, ErrorCode error, string? message) =>
        new() { Topics = [.. request.Topics.Select(t => Failed(t, error))] };

    private static OffsetCommitResponse.OffsetCommitResponseTopic Failed(OffsetCommitRequest.OffsetCommitRequestTopic topic, ErrorCode error) => new()
    {
        Name = topic.Name,
        Partitions = [.. topic.Partitions.Select(p => new OffsetCommitResponse.OffsetCommitResponsePartition { PartitionIndex = p.PartitionIndex, ErrorCode = (short)error })],
    };
}
