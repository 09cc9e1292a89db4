using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;

namespace Samsa.GroupCoordinator.Tests;

/// <summary>Every response the coordinator builds encodes at the version of the request it answers.</summary>
public sealed class ResponseShapeTests
{
    private static void Encodes(IProtocolMessage message, short version)
    {
        using var writer = new ProtocolWriter();
        message.Write(writer, version);
        Assert.True(writer.Length > 0);
    }

    [Fact]
    public async Task Classic_group_responses_encode_at_every_version()
    {
        for (short version = 0; version <= 9; version++)
        {
            using var h = new Harness();
            var request = Harness.JoinRequest("g");
            var firstTask = h.Coordinator.JoinGroupAsync(Harness.Context(version), request).AsTask();
            JoinGroupResponse join;
            if (version >= 4)
            {
                var first = await firstTask;
                Encodes(first, version);
                request.MemberId = first.MemberId;
                var pending = h.Coordinator.JoinGroupAsync(Harness.Context(version), request).AsTask();
                h.Time.Advance(3000);
                join = await pending;
            }
            else
            {
                h.Time.Advance(3000);
                join = await firstTask;
            }

            Encodes(join, version);
            var syncVersion = (short)Math.Min((int)version, 5);
            var sync = await h.Coordinator.SyncGroupAsync(Harness.Context(syncVersion), new SyncGroupRequest { GroupId = "g", MemberId = join.MemberId, GenerationId = join.GenerationId, Assignments = [] });
            Encodes(sync, syncVersion);
            var heartbeatVersion = (short)Math.Min((int)version, 4);
            Encodes(h.Coordinator.Heartbeat(Harness.Context(heartbeatVersion), new HeartbeatRequest { GroupId = "g", MemberId = join.MemberId, GenerationId = join.GenerationId }), heartbeatVersion);
            Encodes(h.Coordinator.DescribeGroups(Harness.Context(Math.Min(version, (short)5)), new DescribeGroupsRequest { Groups = ["g", "none"] }), Math.Min(version, (short)5));
            Encodes(h.Coordinator.ListGroups(Harness.Context(Math.Min(version, (short)5)), new ListGroupsRequest()), Math.Min(version, (short)5));
            var leaveVersion = (short)Math.Min((int)version, 5);
            var leave = h.Coordinator.LeaveGroup(Harness.Context(leaveVersion), new LeaveGroupRequest { GroupId = "g", MemberId = join.MemberId, Members = [new() { MemberId = join.MemberId }] });
            Assert.Equal(0, leave.ErrorCode);
            Encodes(leave, leaveVersion);
        }
    }

    [Fact]
    public async Task Offset_responses_encode_at_every_version()
    {
        using var h = new Harness();
        for (short version = 0; version <= 9; version++)
        {
            var commit = await h.Coordinator.OffsetCommitAsync(Harness.Context(version), new OffsetCommitRequest
            {
                GroupId = "g",
                Topics = [new() { Name = "t", Partitions = [new() { PartitionIndex = 0, CommittedOffset = version, CommittedMetadata = "" }] }],
            });
            Assert.Equal(0, commit.Topics[0].Partitions[0].ErrorCode);
            Encodes(commit, version);
            var fetch = h.Coordinator.OffsetFetch(Harness.Context(version), new OffsetFetchRequest
            {
                GroupId = "g",
                Topics = [new() { Name = "t", PartitionIndexes = [0, 1] }],
                Groups = [new() { GroupId = "g", Topics = null }],
            });
            Encodes(fetch, version);
        }

        Encodes(await h.Coordinator.OffsetDeleteAsync(Harness.Context(0), new OffsetDeleteRequest { GroupId = "g", Topics = [new() { Name = "t", Partitions = [new() { PartitionIndex = 0 }] }] }), 0);
        for (short version = 0; version <= 2; version++)
        {
            Encodes(await h.Coordinator.DeleteGroupsAsync(Harness.Context(version), new DeleteGroupsRequest { GroupsNames = ["g", "x"] }), version);
        }
    }

    [Fact]
    public async Task Consumer_group_and_find_coordinator_responses_encode_at_every_version()
    {
        using var h = new Harness();
        h.Topics.Add("t", 2);
        for (short version = 0; version <= 1; version++)
        {
            var response = await h.Coordinator.ConsumerGroupHeartbeatAsync(Harness.Context(version), new ConsumerGroupHeartbeatRequest
            {
                GroupId = "g",
                MemberId = "m" + version,
                MemberEpoch = 0,
                RebalanceTimeoutMs = 1000,
                SubscribedTopicNames = ["t"],
                TopicPartitions = [],
            });
            Assert.Equal(0, response.ErrorCode);
            Encodes(response, version);
        }

        Encodes(h.Coordinator.ConsumerGroupDescribe(Harness.Context(0), new ConsumerGroupDescribeRequest { GroupIds = ["g", "none"] }), 0);
        for (short version = 0; version <= 6; version++)
        {
            var find = h.Coordinator.FindCoordinator(Harness.Context(version), new FindCoordinatorRequest { Key = "g", CoordinatorKeys = ["g"] }, new OneLeader());
            Encodes(find, version);
        }
    }

    private sealed class OneLeader : IOffsetsTopicLeaders
    {
        public CoordinatorNode? LeaderOf(int partition) => new CoordinatorNode(1, "localhost", 9092);

        public void EnsureOffsetsTopicExists()
        {
        }
    }
}
