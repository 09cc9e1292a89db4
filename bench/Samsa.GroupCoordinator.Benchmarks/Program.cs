using System.Diagnostics;
using Samsa.GroupCoordinator;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;

// Group coordinator measurements (logic only, in-memory log): rebalance time of a 10-member group, offset commits
// per second, and the load time of a partition holding 100k committed offsets. Usage:
//   dotnet run -c Release --project bench/Samsa.GroupCoordinator.Benchmarks [-- --quick]
var quick = args.Contains("--quick");
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
await Rebalances(quick ? 20 : 200);
await Commits(quick ? 20_000 : 200_000);
await Load(100_000, quick ? 2 : 5);

static GroupCoordinator NewCoordinator(InMemoryCoordinatorLog log)
{
    var config = new GroupCoordinatorConfig { OffsetsTopicPartitions = 1, GroupInitialRebalanceDelayMs = 0 };
    var coordinator = new GroupCoordinator(config, log, new NoTopics());
    using var loader = coordinator.BeginLoad(0, 0);
    loader.Complete();
    return coordinator;
}

static byte[] Subscription()
{
    using var writer = new ProtocolWriter();
    writer.WriteInt16(0);
    new ConsumerProtocolSubscription { Topics = ["t"] }.Write(writer, 0);
    return writer.ToArray();
}

static JoinGroupRequest JoinRequest(string memberId, byte[] subscription) => new()
{
    GroupId = "g",
    MemberId = memberId,
    SessionTimeoutMs = 45_000,
    RebalanceTimeoutMs = 60_000,
    ProtocolType = "consumer",
    Protocols = [new JoinGroupRequest.JoinGroupRequestProtocol { Name = "range", Metadata = subscription }],
};

static async Task<List<string>> RebalanceRound(GroupCoordinator coordinator, IEnumerable<string> memberIds, byte[] subscription)
{
    var context = new CoordinatorRequestContext(9, "bench", "/127.0.0.1");
    var joins = await Task.WhenAll(memberIds.Select(id => coordinator.JoinGroupAsync(context, JoinRequest(id, subscription)).AsTask()));
    var leader = joins.Single(j => j.MemberId == j.Leader);
    var syncContext = new CoordinatorRequestContext(5, "bench", "/127.0.0.1");
    var syncs = joins.Where(j => j != leader).Select(j => coordinator.SyncGroupAsync(syncContext, new SyncGroupRequest { GroupId = "g", MemberId = j.MemberId, GenerationId = j.GenerationId, Assignments = [] }).AsTask()).ToList();
    syncs.Add(coordinator.SyncGroupAsync(syncContext, new SyncGroupRequest
    {
        GroupId = "g",
        MemberId = leader.MemberId,
        GenerationId = leader.GenerationId,
        Assignments = joins.Select(j => new SyncGroupRequest.SyncGroupRequestAssignment { MemberId = j.MemberId, Assignment = [1, 2, 3, 4] }).ToList(),
    }).AsTask());
    foreach (var sync in await Task.WhenAll(syncs))
    {
        if (sync.ErrorCode != 0)
        {
            throw new InvalidOperationException($"sync failed: {(ErrorCode)sync.ErrorCode}");
        }
    }

    return joins.Select(j => j.MemberId).ToList();
}

static async Task Rebalances(int iterations)
{
    var log = new InMemoryCoordinatorLog();
    using var coordinator = NewCoordinator(log);
    var subscription = Subscription();
    var context = new CoordinatorRequestContext(9, "bench", "/127.0.0.1");
    async Task<string> NewMemberId() => (await coordinator.JoinGroupAsync(context, JoinRequest("", subscription))).MemberId;

    var members = new List<string>();
    for (var i = 0; i < 10; i++)
    {
        members.Add(await NewMemberId());
    }

    members = await RebalanceRound(coordinator, members, subscription);
    var joinTimes = new List<double>();
    var leaveTimes = new List<double>();
    for (var i = 0; i < iterations; i++)
    {
        // An 11th member joins: every member rejoins and syncs.
        var newcomer = await NewMemberId();
        var watch = Stopwatch.StartNew();
        members = await RebalanceRound(coordinator, [.. members, newcomer], subscription);
        joinTimes.Add(watch.Elapsed.TotalMicroseconds);

        // It leaves again: the other ten rejoin and sync.
        watch.Restart();
        var leaving = members[^1];
        coordinator.LeaveGroup(new CoordinatorRequestContext(5, "bench", "/127.0.0.1"), new LeaveGroupRequest { GroupId = "g", Members = [new() { MemberId = leaving }] });
        members = await RebalanceRound(coordinator, members.Where(m => m != leaving), subscription);
        leaveTimes.Add(watch.Elapsed.TotalMicroseconds);
    }

    Console.WriteLine($"rebalance, 10 members + 1 joining: median {Median(joinTimes):F0} us, p90 {Percentile(joinTimes, 0.9):F0} us ({iterations} runs)");
    Console.WriteLine($"rebalance, 1 of 11 leaving: median {Median(leaveTimes):F0} us, p90 {Percentile(leaveTimes, 0.9):F0} us ({iterations} runs)");
}

static async Task Commits(int count)
{
    var log = new InMemoryCoordinatorLog();
    using var coordinator = NewCoordinator(log);
    var context = new CoordinatorRequestContext(8, "bench", "/127.0.0.1");
    const int Writers = 4;
    var watch = Stopwatch.StartNew();
    var tasks = Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
    {
        for (var i = 0; i < count / Writers; i++)
        {
            var response = await coordinator.OffsetCommitAsync(context, new OffsetCommitRequest
            {
                GroupId = "g",
                GenerationIdOrMemberEpoch = -1,
                MemberId = "",
                Topics = [new() { Name = "t", Partitions = [new() { PartitionIndex = (writer * 1000) + (i % 1000), CommittedOffset = i, CommittedMetadata = "" }] }],
            });
            if (response.Topics[0].Partitions[0].ErrorCode != 0)
            {
                throw new InvalidOperationException("commit failed");
            }
        }
    })).ToArray();
    await Task.WhenAll(tasks);
    var seconds = watch.Elapsed.TotalSeconds;
    Console.WriteLine($"offset commits (1 partition each, {Writers} concurrent committers): {count / seconds:F0} commits/s ({count} in {seconds:F2} s)");
}

static async Task Load(int offsets, int repeats)
{
    // 1,000 groups x 100 partitions, committed through the coordinator so the log is exactly what it writes.
    var log = new InMemoryCoordinatorLog();
    using (var writer = NewCoordinator(log))
    {
        var context = new CoordinatorRequestContext(8, "bench", "/127.0.0.1");
        for (var group = 0; group < offsets / 100; group++)
        {
            await writer.OffsetCommitAsync(context, new OffsetCommitRequest
            {
                GroupId = "group-" + group,
                GenerationIdOrMemberEpoch = -1,
                MemberId = "",
                Topics = [new() { Name = "topic", Partitions = Enumerable.Range(0, 100).Select(p => new OffsetCommitRequest.OffsetCommitRequestPartition { PartitionIndex = p, CommittedOffset = 1000 + p, CommittedMetadata = "" }).ToList() }],
            });
        }
    }

    var bytes = log.ReadPartition(0);
    var times = new List<double>();
    for (var i = 0; i < repeats; i++)
    {
        var config = new GroupCoordinatorConfig { OffsetsTopicPartitions = 1 };
        using var coordinator = new GroupCoordinator(config, new InMemoryCoordinatorLog(), new NoTopics());
        var watch = Stopwatch.StartNew();
        using var loader = coordinator.BeginLoad(0, 1);
        loader.Load(bytes);
        loader.Complete();
        times.Add(watch.Elapsed.TotalMilliseconds);
        if (loader.RecordsLoaded != offsets)
        {
            throw new InvalidOperationException($"loaded {loader.RecordsLoaded} records");
        }
    }

    Console.WriteLine($"load {offsets} committed offsets ({bytes.Length / 1024 / 1024.0:F1} MiB of log): median {Median(times):F0} ms ({repeats} runs)");
}

static double Median(List<double> values) => Percentile(values, 0.5);

static double Percentile(List<double> values, double p)
{
    var sorted = values.Order().ToList();
    return sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];
}

internal sealed class NoTopics : ITopicMetadata
{
    public long Version => 0;

    public IEnumerable<string> TopicNames => [];

    public bool TryGetTopic(string name, out TopicInfo topic)
    {
        topic = default;
        return false;
    }

    public bool TryGetTopic(Uuid id, out TopicInfo topic)
    {
        topic = default;
        return false;
    }
}
