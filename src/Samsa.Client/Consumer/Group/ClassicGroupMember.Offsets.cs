using Samsa.Client.Errors;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;

namespace Samsa.Client.Consumer.Group;

internal sealed partial class ClassicGroupMember
{
    /// <summary>
    /// Commits offsets as this member of its current generation (OffsetCommit). A commit the group refuses because it
    /// is rebalancing or no longer knows this member marks the member for a rejoin and throws.
    /// </summary>
    public async Task CommitAsync(IReadOnlyDictionary<TopicPartition, long> offsets, CancellationToken ct)
    {
        if (offsets.Count == 0)
        {
            return;
        }

        var connection = await CoordinatorAsync(ct).ConfigureAwait(false);
        var version = connection.Versions.Pick(ApiKey.OffsetCommit, connection.Name, maxWanted: 8, minWanted: 1);
        var request = new OffsetCommitRequest
        {
            GroupId = GroupId,
            GenerationIdOrMemberEpoch = GenerationId,
            MemberId = MemberId,
            GroupInstanceId = version >= 7 ? _config.GroupInstanceId : null,
            Topics = [.. offsets.GroupBy(o => o.Key.Topic).Select(g => new OffsetCommitRequest.OffsetCommitRequestTopic
            {
                Name = g.Key,
                Partitions = [.. g.Select(o => new OffsetCommitRequest.OffsetCommitRequestPartition { PartitionIndex = o.Key.Partition, CommittedOffset = o.Value })],
            })],
        };
        var response = await connection.SendAsync<OffsetCommitResponse>(request, version, ct).ConfigureAwait(false);
        foreach (var topic in response.Topics)
        {
            foreach (var partition in topic.Partitions)
            {
                var code = (ErrorCode)partition.ErrorCode;
                if (code is ErrorCode.RebalanceInProgress or ErrorCode.IllegalGeneration or ErrorCode.UnknownMemberId)
                {
                    _rejoin = true;
                }
                else if (code is ErrorCode.NotCoordinator or ErrorCode.CoordinatorNotAvailable)
                {
                    _coordinator = -1;
                }

                KafkaBrokerException.ThrowIfError(partition.ErrorCode, null, $"commit of {topic.Name}-{partition.PartitionIndex} for group {GroupId}");
            }
        }
    }

    /// <summary>The group's committed offsets for <paramref name="partitions"/> (OffsetFetch); partitions without one are left out.</summary>
    public async Task<Dictionary<TopicPartition, long>> FetchCommittedAsync(IReadOnlyCollection<TopicPartition> partitions, CancellationToken ct)
    {
        var connection = await CoordinatorAsync(ct).ConfigureAwait(false);
        var version = connection.Versions.Pick(ApiKey.OffsetFetch, connection.Name, maxWanted: 7, minWanted: 1);
        var request = new OffsetFetchRequest
        {
            GroupId = GroupId,
            RequireStable = version >= 7,
            Topics = [.. partitions.GroupBy(p => p.Topic).Select(g => new OffsetFetchRequest.OffsetFetchRequestTopic { Name = g.Key, PartitionIndexes = [.. g.Select(p => p.Partition)] })],
        };
        var response = await connection.SendAsync<OffsetFetchResponse>(request, version, ct).ConfigureAwait(false);
        if (response.ErrorCode is (short)ErrorCode.NotCoordinator or (short)ErrorCode.CoordinatorNotAvailable)
        {
            _coordinator = -1;
        }

        KafkaBrokerException.ThrowIfError(response.ErrorCode, null, $"group {GroupId}");
        var result = new Dictionary<TopicPartition, long>();
        foreach (var topic in response.Topics)
        {
            foreach (var partition in topic.Partitions)
            {
                KafkaBrokerException.ThrowIfError(partition.ErrorCode, null, $"committed offset of {topic.Name}-{partition.PartitionIndex}");
                if (partition.CommittedOffset >= 0)
                {
                    result[new TopicPartition(topic.Name, partition.PartitionIndex)] = partition.CommittedOffset;
                }
            }
        }

        return result;
    }
}
