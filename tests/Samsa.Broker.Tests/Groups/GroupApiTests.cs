using Samsa.Broker.Tests.Requests;
using Samsa.Metadata.Image;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Tests.Groups;

public sealed class GroupApiTests
{
    [Fact]
    public async Task FindCoordinator_creates_a_compacted_offsets_topic_and_answers_batched_keys()
    {
        await using var broker = await TestBroker.StartAsync();
        using var connection = await broker.ConnectAsync();

        var first = await connection.SendAsync<FindCoordinatorResponse>(new FindCoordinatorRequest { Key = "g", KeyType = 0 }, 3);
        Assert.Equal(ErrorCode.CoordinatorNotAvailable, (ErrorCode)first.ErrorCode);
        Assert.Equal(0, (await GroupClient.FindAsync(connection, "g")).ErrorCode);
        var batched = await connection.SendAsync<FindCoordinatorResponse>(new FindCoordinatorRequest { CoordinatorKeys = ["a", "b", ""], KeyType = 0 }, 4);

        var topic = broker.Services.Image.Topics.Get(TopicNames.ConsumerOffsets);
        Assert.NotNull(topic);
        Assert.Equal(50, topic.PartitionCount);
        Assert.Equal("compact", broker.Services.Image.Configs.ForTopic(TopicNames.ConsumerOffsets)["cleanup.policy"]);
        Assert.Equal(["a", "b", ""], batched.Coordinators.Select(c => c.Key));
        Assert.All(batched.Coordinators.Take(2), c => Assert.Equal((0, 1, broker.Endpoint.Port), (c.ErrorCode, c.NodeId, c.Port)));
        Assert.Equal(ErrorCode.InvalidRequest, (ErrorCode)batched.Coordinators[2].ErrorCode);
    }

    [Fact]
    public async Task Commits_from_fenced_generations_unknown_members_and_oversized_metadata_are_refused()
    {
        await using var broker = await TestBroker.StartAsync(GroupClient.FastGroups);
        await broker.CreateTopicAsync("events");
        using var connection = await broker.ConnectAsync();
        await GroupClient.FindAsync(connection, "fenced");

        var first = await GroupClient.JoinAsync(connection, "fenced");
        Assert.Equal(0, first.ErrorCode);
        Assert.Equal(0, (await GroupClient.SyncAsync(connection, "fenced", first, [1])).ErrorCode);
        var ok = await GroupClient.CommitAsync(connection, "fenced", first.GenerationId, first.MemberId, "events", 5);
        var second = await GroupClient.JoinAsync(connection, "fenced", first.MemberId);
        Assert.Equal(0, (await GroupClient.SyncAsync(connection, "fenced", second, [1])).ErrorCode);

        var stale = await GroupClient.CommitAsync(connection, "fenced", first.GenerationId, first.MemberId, "events", 99);
        var stranger = await GroupClient.CommitAsync(connection, "fenced", second.GenerationId, "nobody", "events", 99);
        var tooLarge = await GroupClient.CommitAsync(connection, "fenced", second.GenerationId, second.MemberId, "events", 99, new string('m', 4097));
        var unknownTopic = await GroupClient.CommitAsync(connection, "fenced", second.GenerationId, second.MemberId, "no-such-topic", 99);

        Assert.Equal(0, ok.Topics[0].Partitions[0].ErrorCode);
        Assert.Equal(first.GenerationId + 1, second.GenerationId);
        Assert.Equal(ErrorCode.IllegalGeneration, (ErrorCode)stale.Topics[0].Partitions[0].ErrorCode);
        Assert.Equal(ErrorCode.UnknownMemberId, (ErrorCode)stranger.Topics[0].Partitions[0].ErrorCode);
        Assert.Equal(ErrorCode.OffsetMetadataTooLarge, (ErrorCode)tooLarge.Topics[0].Partitions[0].ErrorCode);
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, (ErrorCode)unknownTopic.Topics[0].Partitions[0].ErrorCode);
        Assert.Equal(5, await GroupClient.FetchAsync(connection, "fenced", "events"));
    }

    [Fact]
    public async Task Committed_offsets_and_group_deletions_survive_restarts()
    {
        await using var broker = await TestBroker.StartAsync(GroupClient.FastGroups);
        await broker.CreateTopicAsync("events");
        using (var connection = await broker.ConnectAsync())
        {
            await GroupClient.FindAsync(connection, "kept");
            Assert.Equal(0, (await GroupClient.CommitAsync(connection, "kept", -1, "", "events", 42)).Topics[0].Partitions[0].ErrorCode);
            Assert.Equal(0, (await GroupClient.CommitAsync(connection, "dropped", -1, "", "events", 7)).Topics[0].Partitions[0].ErrorCode);
            var deleted = await connection.SendAsync<DeleteGroupsResponse>(new DeleteGroupsRequest { GroupsNames = ["dropped", ""] }, 2);
            Assert.Equal([(short)0, (short)ErrorCode.InvalidGroupId], deleted.Results.OrderBy(r => r.GroupId, StringComparer.Ordinal).Reverse().Select(r => r.ErrorCode));
        }

        await broker.RestartAsync();
        await broker.Server.GroupsLoaded.WaitAsync(TimeSpan.FromSeconds(20));
        using var after = await broker.ConnectAsync();

        Assert.Equal(42, await GroupClient.FetchAsync(after, "kept", "events"));
        Assert.Equal(-1, await GroupClient.FetchAsync(after, "dropped", "events"));
        var listed = await after.SendAsync<ListGroupsResponse>(new ListGroupsRequest(), 5);
        Assert.Contains(listed.Groups, g => g.GroupId == "kept");
        Assert.DoesNotContain(listed.Groups, g => g.GroupId == "dropped");
    }

    [Fact]
    public async Task Malformed_group_requests_get_Kafkas_errors_and_the_broker_keeps_serving()
    {
        await using var broker = await TestBroker.StartAsync(GroupClient.FastGroups);
        using var connection = await broker.ConnectAsync();
        await GroupClient.FindAsync(connection, "g");

        var emptyGroup = await connection.SendAsync<JoinGroupResponse>(new JoinGroupRequest { GroupId = "", SessionTimeoutMs = 10_000, RebalanceTimeoutMs = 1000, ProtocolType = "consumer", Protocols = [] }, 9);
        var shortSession = await GroupClient.JoinAsync(connection, "g", sessionTimeoutMs: 10);
        var heartbeat = await connection.SendAsync<HeartbeatResponse>(new HeartbeatRequest { GroupId = "g", GenerationId = 3, MemberId = "ghost" }, 4);
        var noMemberId = await connection.SendAsync<ConsumerGroupHeartbeatResponse>(new ConsumerGroupHeartbeatRequest { GroupId = "g", MemberId = "", MemberEpoch = 0, RebalanceTimeoutMs = 1000, SubscribedTopicNames = ["t"], TopicPartitions = [] }, 1);
        var describe = await connection.SendAsync<DescribeGroupsResponse>(new DescribeGroupsRequest { Groups = ["g"], IncludeAuthorizedOperations = true }, 5);

        Assert.Equal(ErrorCode.InvalidGroupId, (ErrorCode)emptyGroup.ErrorCode);
        Assert.Equal(ErrorCode.InvalidSessionTimeout, (ErrorCode)shortSession.ErrorCode);
        Assert.Equal(ErrorCode.UnknownMemberId, (ErrorCode)heartbeat.ErrorCode);
        Assert.Equal(ErrorCode.InvalidRequest, (ErrorCode)noMemberId.ErrorCode);
        Assert.Equal("Dead", Assert.Single(describe.Groups).GroupState);
        Assert.Equal(0, (await GroupClient.JoinAsync(connection, "g")).ErrorCode);
    }
}
