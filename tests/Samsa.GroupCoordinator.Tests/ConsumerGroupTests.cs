using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;

namespace Samsa.GroupCoordinator.Tests;

public sealed class ConsumerGroupTests
{
    private static ConsumerGroupHeartbeatRequest JoinRequest(string group, string memberId, string[]? topics = null, string? assignor = null, string? regex = null, string? instanceId = null) =>
        new()
        {
            GroupId = group,
            MemberId = memberId,
            MemberEpoch = 0,
            InstanceId = instanceId,
            RebalanceTimeoutMs = 30_000,
            SubscribedTopicNames = regex is null ? [.. topics ?? ["t"]] : null,
            SubscribedTopicRegex = regex,
            ServerAssignor = assignor,
            TopicPartitions = [],
        };

    private static async Task<ConsumerGroupHeartbeatResponse> Beat(Harness h, ConsumerGroupHeartbeatRequest request, short version = 1)
    {
        var response = await h.Coordinator.ConsumerGroupHeartbeatAsync(Harness.Context(version), request);
        return response;
    }

    /// <summary>A steady-state heartbeat that reports what the member owns (as the Java and librdkafka consumers do after reconciling).</summary>
    private static Task<ConsumerGroupHeartbeatResponse> Ack(Harness h, string group, string memberId, int epoch, ConsumerGroupHeartbeatResponse.AssignmentData? owned) =>
        Beat(h, new ConsumerGroupHeartbeatRequest
        {
            GroupId = group,
            MemberId = memberId,
            MemberEpoch = epoch,
            RebalanceTimeoutMs = -1,
            TopicPartitions = owned?.TopicPartitions.Select(t => new ConsumerGroupHeartbeatRequest.TopicPartitionsData { TopicId = t.TopicId, Partitions = [.. t.Partitions] }).ToList() ?? [],
        });

    private static int[] Partitions(ConsumerGroupHeartbeatResponse response, Uuid topicId) =>
        response.Assignment?.TopicPartitions.Where(t => t.TopicId == topicId).SelectMany(t => t.Partitions).Order().ToArray() ?? [];

    [Fact]
    public async Task A_member_joins_and_gets_every_partition()
    {
        using var h = new Harness();
        var topic = h.Topics.Add("t", 4);
        var response = await Beat(h, JoinRequest("g", "member-a"));
        Assert.Equal((short)ErrorCode.None, response.ErrorCode);
        Assert.Equal(1, response.MemberEpoch);
        Assert.Equal(5000, response.HeartbeatIntervalMs);
        Assert.Equal([0, 1, 2, 3], Partitions(response, topic.Id));

        var described = h.Coordinator.ConsumerGroupDescribe(Harness.Context(0), new ConsumerGroupDescribeRequest { GroupIds = ["g"] }).Groups[0];
        Assert.Equal("Stable", described.GroupState);
        Assert.Equal(1, described.GroupEpoch);
        Assert.Equal("uniform", described.AssignorName);
        Assert.Equal("t", described.Members[0].Assignment.TopicPartitions[0].TopicName);
        var listed = h.Coordinator.ListGroups(Harness.Context(5), new ListGroupsRequest { TypesFilter = ["consumer"] });
        Assert.Equal("consumer", Assert.Single(listed.Groups).GroupType);
    }

    [Fact]
    public async Task Version_0_members_get_an_id_from_the_coordinator()
    {
        using var h = new Harness();
        h.Topics.Add("t", 1);
        var response = await Beat(h, JoinRequest("g", ""), version: 0);
        Assert.False(string.IsNullOrEmpty(response.MemberId));
        var invalid = await Beat(h, JoinRequest("g", ""), version: 1);
        Assert.Equal((short)ErrorCode.InvalidRequest, invalid.ErrorCode);
    }

    [Fact]
    public async Task Partitions_are_revoked_before_they_go_to_another_member()
    {
        using var h = new Harness();
        var topic = h.Topics.Add("t", 6);
        var a = await Beat(h, JoinRequest("g", "a"));
        Assert.Equal(6, Partitions(a, topic.Id).Length);

        // b joins: a must give up three partitions first, so b gets nothing yet.
        var b = await Beat(h, JoinRequest("g", "b"));
        Assert.Equal(2, b.MemberEpoch);
        Assert.Empty(Partitions(b, topic.Id));

        var aRevoke = await Ack(h, "g", "a", 1, a.Assignment);
        Assert.Equal(1, aRevoke.MemberEpoch);
        Assert.Equal(3, Partitions(aRevoke, topic.Id).Length);
        var described = h.Coordinator.ConsumerGroupDescribe(Harness.Context(0), new ConsumerGroupDescribeRequest { GroupIds = ["g"] }).Groups[0];
        Assert.Equal("Reconciling", described.GroupState);

        // Still nothing for b while a reports the partitions it is revoking.
        var bWaiting = await Ack(h, "g", "b", 2, b.Assignment);
        Assert.Empty(Partitions(bWaiting, topic.Id));

        // a acknowledges by reporting only what it keeps; it moves to epoch 2 and b can take the rest.
        var aDone = await Ack(h, "g", "a", 1, aRevoke.Assignment);
        Assert.Equal(2, aDone.MemberEpoch);
        var bGets = await Ack(h, "g", "b", 2, bWaiting.Assignment ?? new ConsumerGroupHeartbeatResponse.AssignmentData { TopicPartitions = [] });
        Assert.Equal(3, Partitions(bGets, topic.Id).Length);
        Assert.Empty(Partitions(aDone, topic.Id).Intersect(Partitions(bGets, topic.Id)));
        await Ack(h, "g", "b", 2, bGets.Assignment);
        described = h.Coordinator.ConsumerGroupDescribe(Harness.Context(0), new ConsumerGroupDescribeRequest { GroupIds = ["g"] }).Groups[0];
        Assert.Equal("Stable", described.GroupState);
    }

    [Fact]
    public async Task The_range_assignor_gives_contiguous_ranges()
    {
        using var h = new Harness();
        var topic = h.Topics.Add("t", 5);
        var a = await Beat(h, JoinRequest("g", "a", assignor: "range"));
        await Ack(h, "g", "a", a.MemberEpoch, a.Assignment);
        var b = await Beat(h, JoinRequest("g", "b", assignor: "range"));
        var aRevoked = await Ack(h, "g", "a", a.MemberEpoch, a.Assignment);
        var aDone = await Ack(h, "g", "a", aRevoked.MemberEpoch, aRevoked.Assignment);
        var bDone = await Ack(h, "g", "b", b.MemberEpoch, b.Assignment ?? new() { TopicPartitions = [] });
        Assert.Equal([0, 1, 2], Partitions(aDone.Assignment is null ? aRevoked : aDone, topic.Id));
        Assert.Equal([3, 4], Partitions(bDone, topic.Id));
    }

    [Fact]
    public async Task Uniform_assignment_spreads_partitions_of_several_topics_evenly()
    {
        using var h = new Harness();
        h.Topics.Add("x", 3);
        h.Topics.Add("y", 4);
        var members = new[] { "m1", "m2", "m3" };
        foreach (var member in members)
        {
            await Beat(h, JoinRequest("g", member, ["x", "y"]));
        }

        // Converge: every member acknowledges until nothing changes.
        for (var round = 0; round < 6; round++)
        {
            var described = h.Coordinator.ConsumerGroupDescribe(Harness.Context(0), new ConsumerGroupDescribeRequest { GroupIds = ["g"] }).Groups[0];
            foreach (var m in described.Members)
            {
                await Ack(h, "g", m.MemberId, m.MemberEpoch, new ConsumerGroupHeartbeatResponse.AssignmentData
                {
                    TopicPartitions = m.Assignment.TopicPartitions.Select(t => new ConsumerGroupHeartbeatResponse.TopicPartitions { TopicId = t.TopicId, Partitions = t.Partitions }).ToList(),
                });
            }
        }

        var final = h.Coordinator.ConsumerGroupDescribe(Harness.Context(0), new ConsumerGroupDescribeRequest { GroupIds = ["g"] }).Groups[0];
        Assert.Equal("Stable", final.GroupState);
        var counts = final.Members.Select(m => m.Assignment.TopicPartitions.Sum(t => t.Partitions.Count)).Order().ToArray();
        Assert.Equal([2, 2, 3], counts);
        Assert.Equal(7, final.Members.SelectMany(m => m.Assignment.TopicPartitions.SelectMany(t => t.Partitions.Select(p => (t.TopicId, p)))).Distinct().Count());
    }

    [Fact]
    public async Task A_leaving_member_bumps_the_epoch_and_its_partitions_move()
    {
        using var h = new Harness();
        var topic = h.Topics.Add("t", 2);
        var a = await Beat(h, JoinRequest("g", "a"));
        var b = await Beat(h, JoinRequest("g", "b"));
        var aRevoked = await Ack(h, "g", "a", 1, a.Assignment);
        await Ack(h, "g", "a", 1, aRevoked.Assignment);
        b = await Ack(h, "g", "b", 2, b.Assignment ?? new() { TopicPartitions = [] });
        Assert.Single(Partitions(b, topic.Id));

        var leave = await Beat(h, new ConsumerGroupHeartbeatRequest { GroupId = "g", MemberId = "b", MemberEpoch = -1 });
        Assert.Equal(-1, leave.MemberEpoch);
        var aAll = await Ack(h, "g", "a", 2, aRevoked.Assignment);
        Assert.Equal(3, aAll.MemberEpoch);
        Assert.Equal([0, 1], Partitions(aAll, topic.Id));
        Assert.Equal((short)ErrorCode.UnknownMemberId, (await Ack(h, "g", "b", 2, null)).ErrorCode);
    }

    [Fact]
    public async Task A_member_whose_session_expires_is_fenced()
    {
        using var h = new Harness();
        h.Topics.Add("t", 2);
        await Beat(h, JoinRequest("g", "a"));
        h.Time.Advance(45_001);
        var described = h.Coordinator.ConsumerGroupDescribe(Harness.Context(0), new ConsumerGroupDescribeRequest { GroupIds = ["g"] }).Groups[0];
        Assert.Empty(described.Members);
        Assert.Equal("Empty", described.GroupState);
        Assert.Equal((short)ErrorCode.UnknownMemberId, (await Ack(h, "g", "a", 1, null)).ErrorCode);
    }

    [Fact]
    public async Task A_member_that_does_not_revoke_in_time_is_fenced()
    {
        using var h = new Harness();
        h.Topics.Add("t", 2);
        var a = await Beat(h, JoinRequest("g", "a"));
        await Beat(h, JoinRequest("g", "b"));
        await Ack(h, "g", "a", 1, a.Assignment);
        for (var i = 0; i < 7; i++)
        {
            h.Time.Advance(5_000);
            await Ack(h, "g", "b", 2, null);
        }

        Assert.Null(h.Coordinator.ConsumerGroupDescribe(Harness.Context(0), new ConsumerGroupDescribeRequest { GroupIds = ["g"] }).Groups[0].Members.FirstOrDefault(m => m.MemberId == "a"));
    }

    [Fact]
    public async Task Epoch_errors_and_invalid_requests_follow_kafka()
    {
        using var h = new Harness();
        h.Topics.Add("t", 1);
        var a = await Beat(h, JoinRequest("g", "a"));
        Assert.Equal((short)ErrorCode.FencedMemberEpoch, (await Ack(h, "g", "a", a.MemberEpoch + 1, null)).ErrorCode);
        Assert.Equal((short)ErrorCode.UnsupportedAssignor, (await Beat(h, JoinRequest("g", "b", assignor: "sticky"))).ErrorCode);
        var noTimeout = JoinRequest("g", "b");
        noTimeout.RebalanceTimeoutMs = -1;
        Assert.Equal((short)ErrorCode.InvalidRequest, (await Beat(h, noTimeout)).ErrorCode);
        Assert.Equal((short)ErrorCode.GroupIdNotFound, (await Ack(h, "nope", "a", 3, null)).ErrorCode);
        Assert.Equal((short)ErrorCode.InvalidRegularExpression, (await Beat(h, JoinRequest("g", "c", regex: "("))).ErrorCode);
    }

    [Fact]
    public async Task A_regular_expression_subscribes_to_matching_topics_and_follows_new_ones()
    {
        using var h = new Harness();
        var first = h.Topics.Add("orders-eu", 1);
        h.Topics.Add("payments", 1);
        var a = await Beat(h, JoinRequest("g", "a", regex: "orders-.*"));
        Assert.Equal([0], Partitions(a, first.Id));
        Assert.Single(a.Assignment!.TopicPartitions);

        var second = h.Topics.Add("orders-us", 2);
        var next = await Ack(h, "g", "a", a.MemberEpoch, a.Assignment);
        Assert.Equal([0, 1], Partitions(next, second.Id));
    }

    [Fact]
    public async Task A_static_member_that_rejoins_takes_over_its_partitions()
    {
        using var h = new Harness();
        var topic = h.Topics.Add("t", 3);
        var a = await Beat(h, JoinRequest("g", "a1", instanceId: "instance"));
        var leave = await Beat(h, new ConsumerGroupHeartbeatRequest { GroupId = "g", MemberId = "a1", MemberEpoch = -2, InstanceId = "instance" });
        Assert.Equal(-2, leave.MemberEpoch);

        var back = await Beat(h, JoinRequest("g", "a2", instanceId: "instance"));
        Assert.Equal((short)ErrorCode.None, back.ErrorCode);
        Assert.Equal(Partitions(a, topic.Id), Partitions(back, topic.Id));
        var described = h.Coordinator.ConsumerGroupDescribe(Harness.Context(0), new ConsumerGroupDescribeRequest { GroupIds = ["g"] }).Groups[0];
        Assert.DoesNotContain(described.Members, m => m.MemberId == "a1");
        Assert.Equal((short)ErrorCode.UnreleasedInstanceId, (await Beat(h, JoinRequest("g", "a3", instanceId: "instance"))).ErrorCode);
    }

    [Fact]
    public async Task Offset_commits_of_consumer_group_members_check_the_member_epoch()
    {
        using var h = new Harness();
        h.Topics.Add("t", 1);
        var a = await Beat(h, JoinRequest("g", "a"));
        Assert.Equal((short)ErrorCode.None, (await h.Commit("g", "t", 0, 5, a.MemberEpoch, "a", version: 9)).Topics[0].Partitions[0].ErrorCode);
        Assert.Equal((short)ErrorCode.StaleMemberEpoch, (await h.Commit("g", "t", 0, 5, a.MemberEpoch - 1, "a", version: 9)).Topics[0].Partitions[0].ErrorCode);
        Assert.Equal((short)ErrorCode.UnknownMemberId, (await h.Commit("g", "t", 0, 5, 1, "z", version: 9)).Topics[0].Partitions[0].ErrorCode);
        Assert.Equal(5, h.Fetch("g", "t", 0));
        Assert.Equal("Dead", h.Describe("g").GroupState);
    }
}
