using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Confluent.Kafka;

namespace Samsa.Interop.Tests.Groups;

public sealed class ConfluentGroupTests(GroupBrokerFixture fixture) : IClassFixture<GroupBrokerFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private SamsaBroker Broker => fixture.Broker;

    [Fact]
    public async Task Three_members_share_six_partitions_and_a_leaving_member_loses_no_record()
    {
        var topic = await GroupTopics.CreateAsync(Broker, "grp-three", 6);
        var group = Topics.New("g-three");
        var processed = new ConcurrentQueue<string>();
        GroupTopics.Produce(Broker, topic, 6, 0, 600);
        var members = Enumerable.Range(0, 3).Select(_ => new GroupMember(GroupTopics.Config(Broker, group), topic, processed)).ToList();
        try
        {
            await GroupTopics.WaitUntilAsync(() => Covers(members, 6) && members.All(m => m.Assignment.Count == 2), Bound, () => Describe(members));

            var producing = Task.Run(() => ProduceSlowly(topic, 600, 900));
            await GroupTopics.WaitUntilAsync(() => processed.Count >= 700, Bound, () => $"{processed.Count} processed");
            var leaving = Stopwatch.StartNew();
            members[2].Stop();
            await GroupTopics.WaitUntilAsync(() => Covers(members.Take(2).ToList(), 6), Bound, () => Describe(members));
            Assert.True(leaving.Elapsed < TimeSpan.FromSeconds(6), $"partitions moved after {leaving.Elapsed}, beyond the session timeout");
            await producing;

            await GroupTopics.WaitUntilAsync(() => processed.Count >= 1500, Bound, () => $"{processed.Count} of 1500 processed");
            await Task.Delay(500);
            Assert.Equal(Enumerable.Range(0, 1500).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Order(), processed.Order());
            Assert.All(members, m => Assert.Null(m.Failure));
        }
        finally
        {
            members.ForEach(m => m.Dispose());
        }
    }

    [Fact]
    public async Task Two_groups_each_receive_every_record()
    {
        var topic = await GroupTopics.CreateAsync(Broker, "grp-two", 3);
        GroupTopics.Produce(Broker, topic, 3, 0, 300);
        var first = new ConcurrentQueue<string>();
        var second = new ConcurrentQueue<string>();
        using var a = new GroupMember(GroupTopics.Config(Broker, Topics.New("g-a")), topic, first);
        using var b = new GroupMember(GroupTopics.Config(Broker, Topics.New("g-b")), topic, second);

        await GroupTopics.WaitUntilAsync(() => first.Count >= 300 && second.Count >= 300, Bound, () => $"{first.Count} and {second.Count} of 300");

        Assert.Equal(300, first.Distinct().Count());
        Assert.Equal(300, second.Distinct().Count());
    }

    [Fact]
    public async Task Range_assignor_gives_each_member_the_same_ranges_of_every_topic()
    {
        var left = await GroupTopics.CreateAsync(Broker, "grp-range-a", 3);
        var right = await GroupTopics.CreateAsync(Broker, "grp-range-b", 3);
        var group = Topics.New("g-range");
        using var one = NewConsumer(group, PartitionAssignmentStrategy.Range);
        using var two = NewConsumer(group, PartitionAssignmentStrategy.Range);
        one.Subscribe([left, right]);
        two.Subscribe([left, right]);

        await GroupTopics.WaitUntilAsync(() => (PollAssignment(one).Count, PollAssignment(two).Count) == (4, 2) || (one.Assignment.Count, two.Assignment.Count) == (2, 4), Bound, () => "range assignment");

        // Kafka's range: members sorted by id, each topic's partitions split in order, the first members get one more.
        var ordered = new[] { one, two }.OrderBy(c => c.MemberId, StringComparer.Ordinal).ToList();
        Assert.Equal(Layout((left, [0, 1]), (right, [0, 1])), Layout(ordered[0].Assignment));
        Assert.Equal(Layout((left, [2]), (right, [2])), Layout(ordered[1].Assignment));
    }

    [Fact]
    public async Task Cooperative_sticky_moves_only_the_partitions_a_new_member_takes()
    {
        var topic = await GroupTopics.CreateAsync(Broker, "grp-coop", 6);
        var group = Topics.New("g-coop");
        var processed = new ConcurrentQueue<string>();
        using var first = new GroupMember(GroupTopics.Config(Broker, group, PartitionAssignmentStrategy.CooperativeSticky), topic, processed);
        await GroupTopics.WaitUntilAsync(() => first.Assignment.Count == 6, Bound, () => $"first has {first.Assignment.Count}");
        var before = first.Assignment.ToHashSet();

        using var second = new GroupMember(GroupTopics.Config(Broker, group, PartitionAssignmentStrategy.CooperativeSticky), topic, processed);
        await GroupTopics.WaitUntilAsync(() => first.Assignment.Count == 3 && second.Assignment.Count == 3, Bound, () => $"{first.Assignment.Count} and {second.Assignment.Count}");

        Assert.Equal(3, first.RevokedPartitions);
        Assert.Subset(before, first.Assignment.ToHashSet());
        Assert.Empty(first.Assignment.Intersect(second.Assignment));
    }

    [Fact]
    public async Task A_static_member_rejoins_with_its_partitions_and_no_rebalance()
    {
        var topic = await GroupTopics.CreateAsync(Broker, "grp-static", 4);
        var group = Topics.New("g-static");
        var processed = new ConcurrentQueue<string>();
        ConsumerConfig Static(string id)
        {
            var config = GroupTopics.Config(Broker, group);
            config.GroupInstanceId = id;
            return config;
        }

        using var stays = new GroupMember(Static("stays"), topic, processed);
        var restarts = new GroupMember(Static("restarts"), topic, processed);
        await GroupTopics.WaitUntilAsync(() => stays.Assignment.Count == 2 && restarts.Assignment.Count == 2, Bound, () => "static assignment");
        var before = restarts.Assignment.ToHashSet();
        var rebalancesSeen = stays.AssignedCalls;
        var revokedSeen = stays.RevokedPartitions;

        restarts.Stop(leave: false);
        restarts.Dispose();
        using var again = new GroupMember(Static("restarts"), topic, processed);
        await GroupTopics.WaitUntilAsync(() => again.Assignment.Count == 2, Bound, () => "rejoined static member");
        await Task.Delay(1000);

        Assert.Equal(before, again.Assignment.ToHashSet());
        Assert.Equal(rebalancesSeen, stays.AssignedCalls);
        Assert.Equal(revokedSeen, stays.RevokedPartitions);
    }

    [Fact]
    public async Task A_consumer_protocol_group_assigns_on_the_broker()
    {
        var topic = await GroupTopics.CreateAsync(Broker, "grp-848", 6);
        GroupTopics.Produce(Broker, topic, 6, 0, 300);
        var group = Topics.New("g-848");
        var processed = new ConcurrentQueue<string>();
        ConsumerConfig Kip848() => new()
        {
            BootstrapServers = Broker.BootstrapServers,
            GroupId = group,
            GroupProtocol = GroupProtocol.Consumer,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        };

        using var one = new GroupMember(Kip848(), topic, processed);
        using var two = new GroupMember(Kip848(), topic, processed);
        await GroupTopics.WaitUntilAsync(() => one.Assignment.Count == 3 && two.Assignment.Count == 3, Bound, () => $"{one.Assignment.Count} and {two.Assignment.Count}");
        await GroupTopics.WaitUntilAsync(() => processed.Count >= 300, Bound, () => $"{processed.Count} of 300");

        Assert.Empty(one.Assignment.Intersect(two.Assignment));
        Assert.Equal(300, processed.Distinct().Count());

        // The CLI describes a KIP-848 group with ConsumerGroupDescribe; the classic describe would call it Dead.
        var described = (await ClientProcess.RunAsync(SamsaBroker.Binary, ["group", "describe", group, "-b", Broker.BootstrapServers, "-o", "json"])).EnsureSuccess();
        using var json = JsonDocument.Parse(described.Stdout);
        Assert.Equal("Stable", json.RootElement.GetProperty("group")[0].GetProperty("state").GetString());
        var members = json.RootElement.GetProperty("members").EnumerateArray().ToList();
        Assert.Equal(2, members.Count);
        Assert.All(members, m => Assert.Equal(3, m.GetProperty("#partitions").GetInt32()));

        var reset = await ClientProcess.RunAsync(SamsaBroker.Binary, ["group", "reset-offsets", group, "--topic", topic, "--to-earliest", "--execute", "-b", Broker.BootstrapServers]);
        Assert.NotEqual(0, reset.ExitCode);
        Assert.Contains("can only be reset while group", reset.Stderr);
    }

    internal static bool Covers(IReadOnlyList<GroupMember> members, int partitions)
    {
        var all = members.SelectMany(m => m.Assignment).ToList();
        return all.Count == partitions && all.Distinct().Count() == partitions;
    }

    private static string Describe(IEnumerable<GroupMember> members) =>
        string.Join("; ", members.Select(m => $"{m.MemberId}: [{string.Join(",", m.Assignment.Select(p => p.Partition.Value))}] {m.Failure?.Message}"));

    private static List<TopicPartition> PollAssignment(IConsumer<Ignore, string> consumer)
    {
        consumer.Consume(50);
        return consumer.Assignment;
    }

    private static string Layout(IEnumerable<TopicPartition> partitions) =>
        string.Join(" ", partitions.Select(p => $"{p.Topic}:{p.Partition.Value}").Order(StringComparer.Ordinal));

    private static string Layout(params (string Topic, int[] Partitions)[] topics) =>
        Layout(topics.SelectMany(t => t.Partitions.Select(p => new TopicPartition(t.Topic, p))));

    private IConsumer<Ignore, string> NewConsumer(string group, PartitionAssignmentStrategy strategy) =>
        new ConsumerBuilder<Ignore, string>(GroupTopics.Config(Broker, group, strategy)).Build();

    private void ProduceSlowly(string topic, int from, int count)
    {
        for (var sent = 0; sent < count; sent += 50)
        {
            GroupTopics.Produce(Broker, topic, 6, from + sent, 50);
            Thread.Sleep(30);
        }
    }
}
