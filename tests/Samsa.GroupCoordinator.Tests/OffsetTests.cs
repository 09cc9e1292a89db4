using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;

namespace Samsa.GroupCoordinator.Tests;

public sealed class OffsetTests
{
    private static ErrorCode PartitionError(OffsetCommitResponse response) => (ErrorCode)response.Topics[0].Partitions[0].ErrorCode;

    [Fact]
    public async Task Simple_commits_of_a_group_without_members_are_fetched_back()
    {
        using var h = new Harness();
        Assert.Equal(ErrorCode.None, PartitionError(await h.Commit("g", "orders", 3, 100, metadata: "m")));
        Assert.Equal(100, h.Fetch("g", "orders", 3));
        Assert.Equal(-1, h.Fetch("g", "orders", 4));
        Assert.Equal(-1, h.Fetch("other", "orders", 3));

        var all = h.Coordinator.OffsetFetch(Harness.Context(7), new OffsetFetchRequest { GroupId = "g", Topics = null });
        var partition = Assert.Single(Assert.Single(all.Topics).Partitions);
        Assert.Equal((100L, "m"), (partition.CommittedOffset, partition.Metadata));
    }

    [Fact]
    public async Task A_commit_is_answered_only_once_durable()
    {
        using var h = new Harness();
        h.Log.HoldWrites = true;
        var commit = h.Commit("g", "t", 0, 7);
        Assert.False(commit.IsCompleted);
        Assert.Equal(-1, h.Fetch("g", "t", 0));
        h.Log.ReleaseWrites();
        Assert.Equal(ErrorCode.None, PartitionError(await commit));
        Assert.Equal(7, h.Fetch("g", "t", 0));
    }

    [Fact]
    public async Task A_failed_write_is_reported_with_the_coordinator_error()
    {
        using var h = new Harness();
        h.Log.FailWrites = ErrorCode.NotLeaderOrFollower;
        Assert.Equal(ErrorCode.NotCoordinator, PartitionError(await h.Commit("g", "t", 0, 7)));
        h.Log.FailWrites = ErrorCode.RecordListTooLarge;
        Assert.Equal(ErrorCode.InvalidCommitOffsetSize, PartitionError(await h.Commit("g", "t", 0, 7)));
        h.Log.FailWrites = ErrorCode.None;
        Assert.Equal(-1, h.Fetch("g", "t", 0));
    }

    [Fact]
    public async Task Metadata_over_the_limit_is_refused_per_partition()
    {
        using var h = new Harness(new GroupCoordinatorConfig { OffsetsTopicPartitions = 1, OffsetMetadataMaxBytes = 10 });
        Assert.Equal(ErrorCode.OffsetMetadataTooLarge, PartitionError(await h.Commit("g", "t", 0, 1, metadata: new string('x', 11))));
        Assert.Equal(ErrorCode.None, PartitionError(await h.Commit("g", "t", 0, 1, metadata: null)));
    }

    [Fact]
    public async Task Group_commits_need_the_current_generation_and_a_member()
    {
        using var h = new Harness();
        var joins = await h.FormGroup("g", 2);
        Assert.Equal(ErrorCode.None, PartitionError(await h.Commit("g", "t", 0, 5, 1, joins[0].MemberId)));
        Assert.Equal(ErrorCode.IllegalGeneration, PartitionError(await h.Commit("g", "t", 0, 5, 2, joins[0].MemberId)));
        Assert.Equal(ErrorCode.UnknownMemberId, PartitionError(await h.Commit("g", "t", 0, 5, 1, "stranger")));
        Assert.Equal(ErrorCode.UnknownMemberId, PartitionError(await h.Commit("g", "t", 0, 5, -1, "")));
        Assert.Equal(ErrorCode.IllegalGeneration, PartitionError(await h.Commit("nope", "t", 0, 5, 3, "m")));
        Assert.Equal(ErrorCode.GroupIdNotFound, PartitionError(await h.Commit("nope", "t", 0, 5, 3, "m", version: 9)));

        // Joined but not yet synced: the group is completing its rebalance.
        var newcomer = await h.JoinNew("g");
        var rejoins = joins.Select(j => h.Join(Harness.JoinRequest("g", j.MemberId))).ToList();
        var second = await newcomer;
        await Task.WhenAll(rejoins);
        Assert.Equal(ErrorCode.RebalanceInProgress, PartitionError(await h.Commit("g", "t", 0, 5, 2, second.MemberId)));
    }

    [Fact]
    public async Task OffsetDelete_refuses_topics_the_group_consumes()
    {
        using var h = new Harness();
        var joins = await h.FormGroup("g", 1);
        await h.Commit("g", "t", 0, 5, 1, joins[0].MemberId);
        await h.Commit("g", "old-topic", 0, 9, 1, joins[0].MemberId);
        var response = await h.Coordinator.OffsetDeleteAsync(Harness.Context(0), new OffsetDeleteRequest
        {
            GroupId = "g",
            Topics =
            [
                new OffsetDeleteRequest.OffsetDeleteRequestTopic { Name = "t", Partitions = [new() { PartitionIndex = 0 }] },
                new OffsetDeleteRequest.OffsetDeleteRequestTopic { Name = "old-topic", Partitions = [new() { PartitionIndex = 0 }] },
            ],
        });
        Assert.Equal((short)ErrorCode.None, response.ErrorCode);
        Assert.Equal((short)ErrorCode.GroupSubscribedToTopic, response.Topics[0].Partitions[0].ErrorCode);
        Assert.Equal((short)ErrorCode.None, response.Topics[1].Partitions[0].ErrorCode);
        Assert.Equal(5, h.Fetch("g", "t", 0));
        Assert.Equal(-1, h.Fetch("g", "old-topic", 0));

        var missing = await h.Coordinator.OffsetDeleteAsync(Harness.Context(0), new OffsetDeleteRequest { GroupId = "missing", Topics = [] });
        Assert.Equal((short)ErrorCode.GroupIdNotFound, missing.ErrorCode);
    }

    [Fact]
    public async Task Standalone_offsets_expire_retention_after_their_commit()
    {
        using var h = new Harness(new GroupCoordinatorConfig { OffsetsTopicPartitions = 1, OffsetsRetentionMs = 60_000, OffsetsRetentionCheckIntervalMs = 10_000 });
        await h.Commit("g", "t", 0, 1);
        h.Time.Advance(30_000);
        await h.Commit("g", "t", 1, 2);
        h.Time.Advance(35_000);
        Assert.Equal(-1, h.Fetch("g", "t", 0));
        Assert.Equal(2, h.Fetch("g", "t", 1));
        h.Time.Advance(30_000);
        Assert.Equal(-1, h.Fetch("g", "t", 1));
        Assert.Empty(h.Coordinator.ListGroups(Harness.Context(5), new ListGroupsRequest()).Groups);
    }

    [Fact]
    public async Task Offsets_of_an_empty_group_expire_retention_after_it_became_empty()
    {
        using var h = new Harness(new GroupCoordinatorConfig { OffsetsTopicPartitions = 1, OffsetsRetentionMs = 60_000, OffsetsRetentionCheckIntervalMs = 10_000 });
        var joins = await h.FormGroup("g", 1);
        await h.Commit("g", "t", 0, 5, 1, joins[0].MemberId);

        // While a member consumes, old commits stay.
        for (var i = 0; i < 20; i++)
        {
            h.Time.Advance(5_000);
            h.Heartbeat("g", joins[0].MemberId, 1);
        }

        Assert.Equal(5, h.Fetch("g", "t", 0));
        h.Coordinator.LeaveGroup(Harness.Context(5), new LeaveGroupRequest { GroupId = "g", Members = [new() { MemberId = joins[0].MemberId }] });
        Assert.Equal("Empty", h.Describe("g").GroupState);
        h.Time.Advance(50_000);
        Assert.Equal(5, h.Fetch("g", "t", 0));
        h.Time.Advance(20_000);
        Assert.Equal(-1, h.Fetch("g", "t", 0));
        Assert.Equal("Dead", h.Describe("g").GroupState);
    }

    [Fact]
    public async Task An_expire_timestamp_from_old_commits_wins()
    {
        using var h = new Harness(new GroupCoordinatorConfig { OffsetsTopicPartitions = 1, OffsetsRetentionCheckIntervalMs = 1_000 });
        await h.Coordinator.OffsetCommitAsync(Harness.Context(2), new OffsetCommitRequest
        {
            GroupId = "g",
            GenerationIdOrMemberEpoch = -1,
            MemberId = "",
            RetentionTimeMs = 5_000,
            Topics = [new() { Name = "t", Partitions = [new() { PartitionIndex = 0, CommittedOffset = 3, CommittedMetadata = "" }] }],
        });
        h.Time.Advance(4_000);
        Assert.Equal(3, h.Fetch("g", "t", 0));
        h.Time.Advance(2_000);
        Assert.Equal(-1, h.Fetch("g", "t", 0));
    }

    [Fact]
    public async Task OffsetFetch_v8_answers_several_groups_and_require_stable_sees_pending_transactions()
    {
        var pending = new PendingOffsets { Pending = ("b", "t", 0) };
        var config = new GroupCoordinatorConfig { OffsetsTopicPartitions = 4 };
        var log = new InMemoryCoordinatorLog();
        using var coordinator = new GroupCoordinator(config, log, new TestTopics(), new ManualTimeProvider(), transactionalOffsets: pending);
        for (var p = 0; p < 4; p++)
        {
            using var loader = coordinator.BeginLoad(p, 0);
            loader.Complete();
        }

        foreach (var group in new[] { "a", "b" })
        {
            await coordinator.OffsetCommitAsync(Harness.Context(8), new OffsetCommitRequest
            {
                GroupId = group,
                GenerationIdOrMemberEpoch = -1,
                MemberId = "",
                Topics = [new() { Name = "t", Partitions = [new() { PartitionIndex = 0, CommittedOffset = group == "a" ? 10 : 20, CommittedMetadata = "" }] }],
            });
        }

        var response = coordinator.OffsetFetch(Harness.Context(8), new OffsetFetchRequest
        {
            RequireStable = true,
            Groups = [new() { GroupId = "a", Topics = null }, new() { GroupId = "b", Topics = null }, new() { GroupId = "", Topics = null }],
        });
        Assert.Equal(10, response.Groups[0].Topics[0].Partitions[0].CommittedOffset);
        Assert.Equal((short)ErrorCode.UnstableOffsetCommit, response.Groups[1].Topics[0].Partitions[0].ErrorCode);
        Assert.Equal((short)ErrorCode.InvalidGroupId, response.Groups[2].ErrorCode);
    }

    private sealed class PendingOffsets : ITransactionalOffsetsView
    {
        public (string Group, string Topic, int Partition) Pending { get; init; }

        public bool HasPendingOffset(string groupId, string topic, int partition) => (groupId, topic, partition) == Pending;
    }
}
