using Samsa.Broker.Requests;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Handlers;

/// <summary>
/// OffsetFetch (v1-9; Kafka 4 removed v0): a group's committed offsets (all of them when no topics are named), from
/// v8 for several groups at once; offsets of unknown partitions are -1 with no error, as in Kafka.
/// </summary>
public sealed class OffsetFetchHandler(BrokerServices services) : ApiHandler<OffsetFetchRequest, OffsetFetchResponse>
{
    public override ApiKey ApiKey => ApiKey.OffsetFetch;

    public override short MinVersion => 1;

    public override ValueTask<OffsetFetchResponse?> HandleAsync(ApiRequest<OffsetFetchRequest> request) =>
        ValueTask.FromResult<OffsetFetchResponse?>(services.Groups.OffsetFetch(CoordinatorContext.For(request), request.Body));

    public override OffsetFetchResponse ErrorResponse(OffsetFetchRequest request, short version, ErrorCode error, string? message)
    {
        if (version >= 8)
        {
            return new OffsetFetchResponse
            {
                Groups = [.. request.Groups.Select(g => new OffsetFetchResponse.OffsetFetchResponseGroup { GroupId = g.GroupId, ErrorCode = (short)error, Topics = [] })],
            };
        }

        return new OffsetFetchResponse
        {
            ErrorCode = (short)error,
            Topics = [.. (request.Topics ?? []).Select(t => new OffsetFetchResponse.OffsetFetchResponseTopic
            {
                Name = t.Name,
                Partitions = [.. t.PartitionIndexes.Select(p => new OffsetFetchResponse.OffsetFetchResponsePartition { PartitionIndex = p, CommittedOffset = -1, CommittedLeaderEpoch = -1, Metadata = "", ErrorCode = (short)error })],
            })],
        };
    }
}
