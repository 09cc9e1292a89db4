using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;

namespace Samsa.GroupCoordinator.Tests;

/// <summary>A coordinator over an in-memory log and a manual clock, leading every partition, with client-like helpers.</summary>
public sealed class Harness : IDisposable
{
    public Harness(GroupCoordinatorConfig? config = null, InMemoryCoordinatorLog? log = null, TestTopics? topics = null, ManualTimeProvider? time = null)
    {
        Config = config ?? new GroupCoordinatorConfig { OffsetsTopicPartitions = 4 };
        Log = log ?? new InMemoryCoordinatorLog();
        Topics = topics ?? new TestTopics();
        Time = time ?? new ManualTimeProvider();
        Coordinator = new GroupCoordinator(Config, Log, Topics, Time);
        for (var partition = 0; partition < Config.OffsetsTopicPartitions; partition++)
        {
            using var loader = Coordinator.BeginLoad(partition, 1);
            loader.Load(Log.ReadPartition(partition));
            loader.Complete();
        }
    }

    public GroupCoordinatorConfig Config { get; }

    public InMemoryCoordinatorLog Log { get; }

    public TestTopics Topics { get; }

    public ManualTimeProvider Time { get; }

    public GroupCoordinator Coordinator { get; }

    /// <summary>A second coordinator that loads everything this one wrote: what a new leader would see.</summary>
    public Harness Reload() => new(Config, Log, Topics, Time);

    public void Dispose() => Coordinator.Dispose();

    public static CoordinatorRequestContext Context(short version, string clientId = "client") => new(version, clientId, "/127.0.0.1");

    public static byte[] Subscription(params string[] topics)
    {
        using var writer = new ProtocolWriter();
        writer.WriteInt16(0);
        new ConsumerProtocolSubscription { Topics = [.. topics] }.Write(writer, 0);
        return writer.ToArray();
    }

    public static JoinGroupRequest JoinRequest(string group, string memberId = "", string? instanceId = null, int sessionTimeoutMs = 10000, int rebalanceTimeoutMs = 30000, string protocolType = "consumer", params (string Name, byte[] Metadata)[] protocols) =>
        new()
        {
            GroupId = group,
            MemberId = memberId,
            GroupInstanceId = instanceId,
            SessionTimeoutMs = sessionTimeoutMs,
            RebalanceTimeoutMs = rebalanceTimeoutMs,
            ProtocolType = protocolType,
            Protocols = (protocols.Length == 0 ? [("range", Subscription("t"))] : protocols)
                .Select(p => new JoinGroupRequest.JoinGroupRequestProtocol { Name = p.Name, Metadata = p.Metadata }).ToList(),
        };

    public Task<JoinGroupResponse> Join(JoinGroupRequest request, short version = 9) => Coordinator.JoinGroupAsync(Context(version), request).AsTask();

    /// <summary>A v9 join of a new dynamic member: the member-id-required round, then the real join (pending until the rebalance completes).</summary>
    public async Task<Task<JoinGroupResponse>> JoinNew(string group, string? instanceId = null, params (string, byte[])[] protocols)
    {
        var request = JoinRequest(group, instanceId: instanceId, protocols: protocols);
        if (instanceId is not null)
        {
            return Join(request);
        }

        var first = await Join(request);
        Assert.Equal((short)ErrorCode.MemberIdRequired, first.ErrorCode);
        Assert.NotEmpty(first.MemberId);
        request.MemberId = first.MemberId;
        return Join(request);
    }

    public Task<SyncGroupResponse> Sync(string group, string memberId, int generation, Dictionary<string, byte[]>? assignments = null, short version = 5, string? instanceId = null, string? protocolName = null) =>
        Coordinator.SyncGroupAsync(Context(version), new SyncGroupRequest
        {
            GroupId = group,
            MemberId = memberId,
            GenerationId = generation,
            GroupInstanceId = instanceId,
            ProtocolType = version >= 5 ? "consumer" : null,
            ProtocolName = protocolName,
            Assignments = (assignments ?? []).Select(a => new SyncGroupRequest.SyncGroupRequestAssignment { MemberId = a.Key, Assignment = a.Value }).ToList(),
        }).AsTask();

    public ErrorCode Heartbeat(string group, string memberId, int generation, string? instanceId = null) =>
        (ErrorCode)Coordinator.Heartbeat(Context(4), new HeartbeatRequest { GroupId = group, MemberId = memberId, GenerationId = generation, GroupInstanceId = instanceId }).ErrorCode;

    /// <summary>Joins <paramref name="count"/> members, waits out the initial delay, syncs with one assignment each; returns the joins.</summary>
    public async Task<List<JoinGroupResponse>> FormGroup(string group, int count)
    {
        var pending = new List<Task<JoinGroupResponse>>();
        for (var i = 0; i < count; i++)
        {
            pending.Add(await JoinNew(group));
        }

        Time.Advance(Config.GroupInitialRebalanceDelayMs * 2L);
        var joins = (await Task.WhenAll(pending)).ToList();
        await SyncAll(group, joins);
        return joins;
    }

    public async Task<List<SyncGroupResponse>> SyncAll(string group, List<JoinGroupResponse> joins)
    {
        var leader = joins.Single(j => j.MemberId == j.Leader);
        var assignments = leader.Members.ToDictionary(m => m.MemberId, m => System.Text.Encoding.UTF8.GetBytes("assignment-" + m.MemberId));
        var syncs = joins.Where(j => j != leader).Select(j => Sync(group, j.MemberId, j.GenerationId)).ToList();
        syncs.Add(Sync(group, leader.MemberId, leader.GenerationId, assignments));
        return [.. await Task.WhenAll(syncs)];
    }

    public Task<OffsetCommitResponse> Commit(string group, string topic, int partition, long offset, int generation = -1, string memberId = "", string? metadata = "", short version = 8) =>
        Coordinator.OffsetCommitAsync(Context(version), new OffsetCommitRequest
        {
            GroupId = group,
            GenerationIdOrMemberEpoch = generation,
            MemberId = memberId,
            Topics =
            [
                new OffsetCommitRequest.OffsetCommitRequestTopic
                {
                    Name = topic,
                    Partitions = [new OffsetCommitRequest.OffsetCommitRequestPartition { PartitionIndex = partition, CommittedOffset = offset, CommittedMetadata = metadata }],
                },
            ],
        }).AsTask();

    /// <summary>The committed offset of one partition (-1 when none), through OffsetFetch v8.</summary>
    public long Fetch(string group, string topic, int partition)
    {
        var response = Coordinator.OffsetFetch(Context(8), new OffsetFetchRequest
        {
            Groups = [new OffsetFetchRequest.OffsetFetchRequestGroup { GroupId = group, Topics = [new OffsetFetchRequest.OffsetFetchRequestTopics { Name = topic, PartitionIndexes = [partition] }] }],
        });
        return response.Groups[0].Topics[0].Partitions[0].CommittedOffset;
    }

    public DescribeGroupsResponse.DescribedGroup Describe(string group) =>
        Coordinator.DescribeGroups(Context(5), new DescribeGroupsRequest { Groups = [group] }).Groups[0];
}
