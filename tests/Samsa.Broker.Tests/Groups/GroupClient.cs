using Samsa.Broker.Tests.Requests;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Tests.Groups;

/// <summary>Raw group-protocol calls for broker tests: find the coordinator, join, sync, commit, fetch.</summary>
internal static class GroupClient
{
    public static readonly string[] FastGroups = ["group.initial.rebalance.delay.ms=0", "group.min.session.timeout.ms=500", "offsets.topic.num.partitions=3"];

    /// <summary>Retries FindCoordinator (the first call creates __consumer_offsets) until the group has one.</summary>
    public static async Task<FindCoordinatorResponse> FindAsync(KafkaConnection connection, string groupId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var response = await connection.SendAsync<FindCoordinatorResponse>(new FindCoordinatorRequest { Key = groupId, KeyType = 0 }, 3);
            if (response.ErrorCode == 0 || DateTime.UtcNow > deadline)
            {
                return response;
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Repeats a call while the coordinator is still loading or not yet there (bounded).</summary>
    public static async Task<T> RetryAsync<T>(Func<Task<T>> call, Func<T, ErrorCode> error)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var response = await call();
            var code = error(response);
            if ((code is not (ErrorCode.CoordinatorLoadInProgress or ErrorCode.NotCoordinator or ErrorCode.CoordinatorNotAvailable)) || DateTime.UtcNow > deadline)
            {
                return response;
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Joins as a new member (answering KIP-394's MEMBER_ID_REQUIRED) and waits for the join phase to end.</summary>
    public static async Task<JoinGroupResponse> JoinAsync(KafkaConnection connection, string groupId, string memberId = "", int sessionTimeoutMs = 10_000, string? instanceId = null)
    {
        var request = new JoinGroupRequest
        {
            GroupId = groupId,
            SessionTimeoutMs = sessionTimeoutMs,
            RebalanceTimeoutMs = 5_000,
            MemberId = memberId,
            GroupInstanceId = instanceId,
            ProtocolType = "consumer",
            Protocols = [new JoinGroupRequest.JoinGroupRequestProtocol { Name = "range", Metadata = [0, 3, 0, 0, 0, 0] }],
        };
        var response = await RetryAsync(() => connection.SendAsync<JoinGroupResponse>(request, 9), r => (ErrorCode)r.ErrorCode);
        if ((ErrorCode)response.ErrorCode == ErrorCode.MemberIdRequired)
        {
            request.MemberId = response.MemberId;
            response = await connection.SendAsync<JoinGroupResponse>(request, 9);
        }

        return response;
    }

    public static Task<SyncGroupResponse> SyncAsync(KafkaConnection connection, string groupId, JoinGroupResponse joined, byte[] assignment) =>
        connection.SendAsync<SyncGroupResponse>(new SyncGroupRequest
        {
            GroupId = groupId,
            GenerationId = joined.GenerationId,
            MemberId = joined.MemberId,
            ProtocolType = "consumer",
            ProtocolName = joined.ProtocolName,
            Assignments = joined.Leader == joined.MemberId
                ? [.. joined.Members.Select(m => new SyncGroupRequest.SyncGroupRequestAssignment { MemberId = m.MemberId, Assignment = assignment })]
                : [],
        }, 5);

    public static Task<OffsetCommitResponse> CommitAsync(KafkaConnection connection, string groupId, int generation, string memberId, string topic, long offset, string? metadata = null) =>
        RetryAsync(
            () => connection.SendAsync<OffsetCommitResponse>(new OffsetCommitRequest
            {
                GroupId = groupId,
                GenerationIdOrMemberEpoch = generation,
                MemberId = memberId,
                Topics =
                [
                    new OffsetCommitRequest.OffsetCommitRequestTopic
                    {
                        Name = topic,
                        Partitions = [new OffsetCommitRequest.OffsetCommitRequestPartition { PartitionIndex = 0, CommittedOffset = offset, CommittedLeaderEpoch = -1, CommittedMetadata = metadata }],
                    },
                ],
            }, 9),
            r => (ErrorCode)r.Topics[0].Partitions[0].ErrorCode);

    /// <summary>The committed offset of partition 0 of <paramref name="topic"/> (-1 for none).</summary>
    public static async Task<long> FetchAsync(KafkaConnection connection, string groupId, string topic)
    {
        var response = await RetryAsync(
            () => connection.SendAsync<OffsetFetchResponse>(new OffsetFetchRequest
            {
                Groups = [new OffsetFetchRequest.OffsetFetchRequestGroup { GroupId = groupId, Topics = [new OffsetFetchRequest.OffsetFetchRequestTopics { Name = topic, PartitionIndexes = [0] }] }],
            }, 9),
            r => (ErrorCode)r.Groups[0].ErrorCode);
        var group = Assert.Single(response.Groups);
        Assert.Equal(0, group.ErrorCode);
        var partition = Assert.Single(Assert.Single(group.Topics).Partitions);
        Assert.Equal(0, partition.ErrorCode);
        return partition.CommittedOffset;
    }
}
