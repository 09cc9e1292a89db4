using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;

namespace Samsa.GroupCoordinator.Tests;

public sealed class ClassicGroupTests
{
    [Fact]
    public async Task One_member_gets_an_id_waits_the_initial_delay_and_becomes_stable()
    {
        using var h = new Harness();
        var join = await h.JoinNew("g");
        Assert.False(join.IsCompleted);
        h.Time.Advance(2999);
        Assert.False(join.IsCompleted);
        h.Time.Advance(1);
        var response = await join;
        Assert.Equal((short)ErrorCode.None, response.ErrorCode);
        Assert.Equal(1, response.GenerationId);
        Assert.Equal(response.MemberId, response.Leader);
        Assert.Equal("range", response.ProtocolName);
        Assert.Single(response.Members);
        Assert.Equal("CompletingRebalance", h.Describe("g").GroupState);

        var sync = await h.Sync("g", response.MemberId, 1, new() { [response.MemberId] = [1, 2, 3] });
        Assert.Equal((short)ErrorCode.None, sync.ErrorCode);
        Assert.Equal(new byte[] { 1, 2, 3 }, sync.Assignment);
        Assert.Equal("range", sync.ProtocolName);
        Assert.Equal(ErrorCode.None, h.Heartbeat("g", response.MemberId, 1));

        var described = h.Describe("g");
        Assert.Equal("Stable", described.GroupState);
        Assert.Equal("range", described.ProtocolData);
        Assert.Equal("client", described.Members[0].ClientId);
        Assert.Equal(new byte[] { 1, 2, 3 }, described.Members[0].MemberAssignment);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(10)]
    public async Task Members_join_and_sync_and_followers_get_the_leaders_assignment(int count)
    {
        using var h = new Harness();
        var joins = await h.FormGroup("g", count);
        Assert.All(joins, j => Assert.Equal(1, j.GenerationId));
        var leader = joins.Single(j => j.MemberId == j.Leader);
        Assert.Equal(count, leader.Members.Count);
        Assert.All(joins.Where(j => j != leader), j => Assert.Empty(j.Members));
        Assert.All(joins, j => Assert.Equal(ErrorCode.None, h.Heartbeat("g", j.MemberId, 1)));
        var described = h.Describe("g");
        Assert.Equal("Stable", described.GroupState);
        Assert.Equal(count, described.Members.Count);
        Assert.All(described.Members, m => Assert.Equal("assignment-" + m.MemberId, System.Text.Encoding.UTF8.GetString(m.MemberAssignment)));
    }

    [Fact]
    public async Task Followers_wait_for_the_leaders_sync_and_the_write()
    {
        using var h = new Harness();
        var pending = new[] { await h.JoinNew("g"), await h.JoinNew("g") };
        h.Time.Advance(6000);
        var joins = await Task.WhenAll(pending);
        var leader = joins.Single(j => j.MemberId == j.Leader);
        var follower = joins.Single(j => j != leader);
        var followerSync = h.Sync("g", follower.MemberId, 1);
        Assert.False(followerSync.IsCompleted);

        h.Log.HoldWrites = true;
        var leaderSync = h.Sync("g", leader.MemberId, 1, new() { [leader.MemberId] = [1], [follower.MemberId] = [2] });
        Assert.False(leaderSync.IsCompleted);
        Assert.False(followerSync.IsCompleted);
        h.Log.ReleaseWrites();
        Assert.Equal(new byte[] { 2 }, (await followerSync).Assignment);
        Assert.Equal(new byte[] { 1 }, (await leaderSync).Assignment);
    }

    [Fact]
    public async Task A_leaving_member_triggers_a_rebalance_to_the_next_generation()
    {
        using var h = new Harness();
        var joins = await h.FormGroup("g", 10);
        var leaving = joins[3];
        var leave = h.Coordinator.LeaveGroup(Harness.Context(5), new LeaveGroupRequest
        {
            GroupId = "g",
            Members = [new LeaveGroupRequest.MemberIdentity { MemberId = leaving.MemberId }],
        });
        Assert.Equal((short)ErrorCode.None, leave.Members[0].ErrorCode);
        Assert.Equal("PreparingRebalance", h.Describe("g").GroupState);

        var remaining = joins.Where(j => j != leaving).ToList();
        Assert.All(remaining, j => Assert.Equal(ErrorCode.RebalanceInProgress, h.Heartbeat("g", j.MemberId, 1)));
        var rejoins = remaining.Select(j => h.Join(Harness.JoinRequest("g", j.MemberId))).ToList();
        var responses = (await Task.WhenAll(rejoins)).ToList();
        Assert.All(responses, r => Assert.Equal(2, r.GenerationId));
        await h.SyncAll("g", responses);
        Assert.Equal("Stable", h.Describe("g").GroupState);
        Assert.Equal(9, h.Describe("g").Members.Count);
        Assert.Equal(ErrorCode.UnknownMemberId, h.Heartbeat("g", leaving.MemberId, 2));
    }

    [Fact]
    public async Task Session_expiry_removes_the_member_and_rebalances()
    {
        using var h = new Harness();
        var joins = await h.FormGroup("g", 3);
        h.Time.Advance(6000);
        Assert.Equal(ErrorCode.None, h.Heartbeat("g", joins[0].MemberId, 1));
        Assert.Equal(ErrorCode.None, h.Heartbeat("g", joins[1].MemberId, 1));
        h.Time.Advance(6000);

        // The third member never heartbeat: 12 s > its 10 s session.
        Assert.Equal("PreparingRebalance", h.Describe("g").GroupState);
        Assert.Equal(2, h.Describe("g").Members.Count);
        var rejoins = await Task.WhenAll(h.Join(Harness.JoinRequest("g", joins[0].MemberId)), h.Join(Harness.JoinRequest("g", joins[1].MemberId)));
        Assert.All(rejoins, r => Assert.Equal(2, r.GenerationId));
    }

    [Fact]
    public async Task Join_phase_ends_at_the_rebalance_timeout_without_members_that_did_not_rejoin()
    {
        using var h = new Harness();
        var joins = await h.FormGroup("g", 2);
        var newcomer = await h.JoinNew("g");
        Assert.False(newcomer.IsCompleted);

        // Only one old member rejoins; the other keeps heartbeating but never rejoins.
        var rejoin = h.Join(Harness.JoinRequest("g", joins[0].MemberId));
        for (var i = 0; i < 5; i++)
        {
            h.Time.Advance(5000);
            h.Heartbeat("g", joins[1].MemberId, 1);
        }

        h.Time.Advance(5000);
        var responses = await Task.WhenAll(newcomer, rejoin);
        Assert.All(responses, r => Assert.Equal(2, r.GenerationId));
        Assert.Equal(2, h.Describe("g").Members.Count);
    }

    [Fact]
    public async Task Static_member_restart_keeps_its_assignment_without_a_rebalance()
    {
        using var h = new Harness();
        var first = h.Join(Harness.JoinRequest("g", instanceId: "instance-a"));
        var second = h.Join(Harness.JoinRequest("g", instanceId: "instance-b"));
        Assert.False(first.IsCompleted);
        h.Time.Advance(6000);
        var joins = new List<JoinGroupResponse> { await first, await second };
        await h.SyncAll("g", joins);
        var oldB = joins.Single(j => j.MemberId.StartsWith("instance-b-", StringComparison.Ordinal));

        // instance-b restarts: a JoinGroup with no member id and its instance id.
        var restart = await h.Join(Harness.JoinRequest("g", instanceId: "instance-b"));
        Assert.Equal((short)ErrorCode.None, restart.ErrorCode);
        Assert.Equal(1, restart.GenerationId);
        Assert.NotEqual(oldB.MemberId, restart.MemberId);
        Assert.Equal("Stable", h.Describe("g").GroupState);

        var sync = await h.Sync("g", restart.MemberId, 1, instanceId: "instance-b");
        Assert.Equal("assignment-" + oldB.MemberId, System.Text.Encoding.UTF8.GetString(sync.Assignment));
        Assert.Equal(ErrorCode.FencedInstanceId, h.Heartbeat("g", oldB.MemberId, 1, "instance-b"));
        Assert.Equal(ErrorCode.None, h.Heartbeat("g", restart.MemberId, 1, "instance-b"));

        // The new member id is what a new coordinator loads.
        using var reloaded = h.Reload();
        Assert.Contains(reloaded.Describe("g").Members, m => m.MemberId == restart.MemberId && m.GroupInstanceId == "instance-b");
    }

    [Fact]
    public async Task Static_leader_restart_at_v9_is_told_to_skip_the_assignment()
    {
        using var h = new Harness();
        var join = h.Join(Harness.JoinRequest("g", instanceId: "a"));
        h.Time.Advance(3000);
        await h.SyncAll("g", [await join]);
        var restart = await h.Join(Harness.JoinRequest("g", instanceId: "a"));
        Assert.True(restart.SkipAssignment);
        Assert.Equal(restart.MemberId, restart.Leader);
        Assert.Single(restart.Members);
    }

    [Fact]
    public async Task Fencing_errors_follow_kafka()
    {
        using var h = new Harness();
        var joins = await h.FormGroup("g", 2);
        Assert.Equal(ErrorCode.IllegalGeneration, h.Heartbeat("g", joins[0].MemberId, 7));
        Assert.Equal(ErrorCode.UnknownMemberId, h.Heartbeat("g", "nobody", 1));
        Assert.Equal(ErrorCode.UnknownMemberId, h.Heartbeat("no-such-group", "nobody", 1));
        Assert.Equal((short)ErrorCode.IllegalGeneration, (await h.Sync("g", joins[0].MemberId, 5)).ErrorCode);
        Assert.Equal((short)ErrorCode.UnknownMemberId, (await h.Join(Harness.JoinRequest("g", "nobody"))).ErrorCode);
        Assert.Equal((short)ErrorCode.InconsistentGroupProtocol, (await h.Sync("g", joins[0].MemberId, 1, protocolName: "roundrobin")).ErrorCode);
        Assert.Equal((short)ErrorCode.InvalidSessionTimeout, (await h.Join(Harness.JoinRequest("g", sessionTimeoutMs: 10))).ErrorCode);
        Assert.Equal((short)ErrorCode.InvalidGroupId, (await h.Join(Harness.JoinRequest(""))).ErrorCode);
    }

    [Fact]
    public async Task The_protocol_all_members_support_with_most_votes_is_selected()
    {
        using var h = new Harness();
        var sub = Harness.Subscription("t");
        var a = await h.JoinNew("g", null, ("range", sub), ("roundrobin", sub));
        var b = await h.JoinNew("g", null, ("roundrobin", sub), ("range", sub));
        var c = await h.JoinNew("g", null, ("sticky", sub), ("roundrobin", sub), ("range", sub));
        h.Time.Advance(6000);
        var responses = await Task.WhenAll(a, b, c);
        Assert.All(responses, r => Assert.Equal("roundrobin", r.ProtocolName));

        var d = await h.Join(Harness.JoinRequest("g", protocols: [("cooperative-sticky", sub)]));
        Assert.Equal((short)ErrorCode.InconsistentGroupProtocol, d.ErrorCode);
        var e = await h.Join(Harness.JoinRequest("g", protocolType: "connect", protocols: [("range", sub)]));
        Assert.Equal((short)ErrorCode.InconsistentGroupProtocol, e.ErrorCode);
    }

    [Fact]
    public async Task Group_max_size_refuses_more_members()
    {
        using var h = new Harness(new GroupCoordinatorConfig { OffsetsTopicPartitions = 1, GroupMaxSize = 2 });
        await h.FormGroup("g", 2);
        var third = await h.Join(Harness.JoinRequest("g"), version: 3);
        Assert.Equal((short)ErrorCode.GroupMaxSizeReached, third.ErrorCode);
    }

    [Fact]
    public async Task Old_clients_join_without_the_member_id_round()
    {
        using var h = new Harness();
        var join = h.Join(Harness.JoinRequest("g"), version: 3);
        h.Time.Advance(3000);
        var response = await join;
        Assert.Equal((short)ErrorCode.None, response.ErrorCode);
        Assert.Equal("range", response.ProtocolName);
    }

    [Fact]
    public async Task A_pending_member_that_never_rejoins_is_forgotten_after_its_session()
    {
        using var h = new Harness();
        var first = await h.Join(Harness.JoinRequest("g"));
        Assert.Equal((short)ErrorCode.MemberIdRequired, first.ErrorCode);
        h.Time.Advance(10_001);
        var late = await h.Join(Harness.JoinRequest("g", first.MemberId));
        Assert.Equal((short)ErrorCode.UnknownMemberId, late.ErrorCode);
    }

    [Fact]
    public async Task LeaveGroup_v3_removes_static_members_by_instance_id_and_reports_each()
    {
        using var h = new Harness();
        var join = h.Join(Harness.JoinRequest("g", instanceId: "a"));
        h.Time.Advance(3000);
        await h.SyncAll("g", [await join]);
        var response = h.Coordinator.LeaveGroup(Harness.Context(5), new LeaveGroupRequest
        {
            GroupId = "g",
            Members =
            [
                new LeaveGroupRequest.MemberIdentity { MemberId = "", GroupInstanceId = "a" },
                new LeaveGroupRequest.MemberIdentity { MemberId = "ghost" },
            ],
        });
        Assert.Equal((short)ErrorCode.None, response.Members[0].ErrorCode);
        Assert.Equal((short)ErrorCode.UnknownMemberId, response.Members[1].ErrorCode);
        Assert.Equal("Empty", h.Describe("g").GroupState);
    }

    [Fact]
    public async Task Describe_and_list_groups_with_filters()
    {
        using var h = new Harness();
        await h.FormGroup("stable-group", 1);
        await h.Commit("simple-group", "t", 0, 5);
        Assert.Equal("Dead", h.Describe("unknown").GroupState);

        var all = h.Coordinator.ListGroups(Harness.Context(5), new ListGroupsRequest { StatesFilter = [], TypesFilter = [] });
        Assert.Equal(2, all.Groups.Count);
        Assert.All(all.Groups, g => Assert.Equal("classic", g.GroupType));
        var stable = h.Coordinator.ListGroups(Harness.Context(5), new ListGroupsRequest { StatesFilter = ["stable"], TypesFilter = [] });
        Assert.Equal("stable-group", Assert.Single(stable.Groups).GroupId);
        Assert.Equal("consumer", stable.Groups[0].ProtocolType);
        var consumerType = h.Coordinator.ListGroups(Harness.Context(5), new ListGroupsRequest { StatesFilter = [], TypesFilter = ["consumer"] });
        Assert.Empty(consumerType.Groups);
        var empty = h.Coordinator.ListGroups(Harness.Context(5), new ListGroupsRequest { StatesFilter = ["Empty"], TypesFilter = [] });
        Assert.Equal("simple-group", Assert.Single(empty.Groups).GroupId);
        Assert.Equal("", empty.Groups[0].ProtocolType);
    }

    [Fact]
    public async Task DeleteGroups_deletes_only_empty_groups_with_their_offsets()
    {
        using var h = new Harness();
        var joins = await h.FormGroup("busy", 1);
        await h.Commit("idle", "t", 0, 42);
        var response = await h.Coordinator.DeleteGroupsAsync(Harness.Context(2), new DeleteGroupsRequest { GroupsNames = ["busy", "idle", "missing"] });
        var errors = response.Results.ToDictionary(r => r.GroupId, r => (ErrorCode)r.ErrorCode);
        Assert.Equal(ErrorCode.NonEmptyGroup, errors["busy"]);
        Assert.Equal(ErrorCode.None, errors["idle"]);
        Assert.Equal(ErrorCode.GroupIdNotFound, errors["missing"]);
        Assert.Equal(-1, h.Fetch("idle", "t", 0));

        // Deleted for good: a new leader does not bring it back.
        using var reloaded = h.Reload();
        Assert.Equal(-1, reloaded.Fetch("idle", "t", 0));
        Assert.DoesNotContain(reloaded.Coordinator.ListGroups(Harness.Context(5), new ListGroupsRequest()).Groups, g => g.GroupId == "idle");

        h.Coordinator.LeaveGroup(Harness.Context(5), new LeaveGroupRequest { GroupId = "busy", Members = [new LeaveGroupRequest.MemberIdentity { MemberId = joins[0].MemberId }] });
        var second = await h.Coordinator.DeleteGroupsAsync(Harness.Context(2), new DeleteGroupsRequest { GroupsNames = ["busy"] });
        Assert.Equal((short)ErrorCode.None, second.Results[0].ErrorCode);
    }

    [Fact]
    public async Task Cooperative_rebalances_pass_through_because_the_assignment_is_opaque()
    {
        using var h = new Harness();
        var sub = Harness.Subscription("t");
        var joins = new List<JoinGroupResponse>();
        var pending = new[] { await h.JoinNew("g", null, ("cooperative-sticky", sub)), await h.JoinNew("g", null, ("cooperative-sticky", sub)) };
        h.Time.Advance(6000);
        joins.AddRange(await Task.WhenAll(pending));
        await h.SyncAll("g", joins);

        // A second rebalance, as a cooperative client does after revoking, bumps the generation and relays again.
        var rejoin = joins.Select(j => h.Join(Harness.JoinRequest("g", j.MemberId, protocols: [("cooperative-sticky", sub)]))).ToList();
        var second = (await Task.WhenAll(rejoin)).ToList();
        Assert.All(second, r => Assert.Equal(2, r.GenerationId));
        Assert.All(second, r => Assert.Equal("cooperative-sticky", r.ProtocolName));
        var syncs = await h.SyncAll("g", second);
        Assert.All(syncs, s => Assert.Equal((short)ErrorCode.None, s.ErrorCode));
    }

    [Fact]
    public async Task Requests_for_partitions_this_broker_does_not_lead_get_not_coordinator()
    {
        using var h = new Harness();
        h.Coordinator.Resign(h.Coordinator.PartitionFor("g"), 1);
        Assert.Equal((short)ErrorCode.NotCoordinator, (await h.Join(Harness.JoinRequest("g"))).ErrorCode);
        Assert.Equal(ErrorCode.NotCoordinator, h.Heartbeat("g", "m", 1));
        var commit = await h.Commit("g", "t", 0, 1);
        Assert.Equal((short)ErrorCode.NotCoordinator, commit.Topics[0].Partitions[0].ErrorCode);

        var loader = h.Coordinator.BeginLoad(h.Coordinator.PartitionFor("g"), 2);
        Assert.Equal((short)ErrorCode.CoordinatorLoadInProgress, (await h.Join(Harness.JoinRequest("g"))).ErrorCode);
        loader.Complete();
        loader.Dispose();
        Assert.Equal((short)ErrorCode.MemberIdRequired, (await h.Join(Harness.JoinRequest("g"))).ErrorCode);
    }
}
