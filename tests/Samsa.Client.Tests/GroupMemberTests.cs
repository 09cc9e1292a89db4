using Samsa.Client.Configuration;
using Samsa.Client.Consumer;
using Samsa.Client.Consumer.Group;
using Samsa.Client.Producer;
using Samsa.Client.Tests.Infrastructure;
using Rd = Confluent.Kafka;

namespace Samsa.Client.Tests;

/// <summary>The classic group member (JoinGroup, SyncGroup, Heartbeat, OffsetCommit, OffsetFetch, LeaveGroup) against librdkafka's mock cluster.</summary>
[Collection(MockClusterCollection.Name)]
public sealed class GroupMemberTests(MockClusterFixture mock)
{
    private static string Group() => $"group-{Guid.NewGuid():N}";

    private ConsumerConfig Config(string group, bool autoCommit = false) => new()
    {
        BootstrapServers = mock.Bootstrap,
        GroupId = group,
        AutoOffsetReset = AutoOffsetReset.Earliest,
        FetchMaxWaitMs = 50,
        EnableAutoCommit = autoCommit,
        HeartbeatIntervalMs = 200,
        SessionTimeoutMs = 6_000,
        MaxPollIntervalMs = 10_000,
        DefaultApiTimeoutMs = 5_000,
    };

    private async Task<string> TopicWithRecordsAsync(int partitions, int perPartition)
    {
        var topic = mock.CreateTopic("grp", partitions);
        await using var producer = new KafkaProducer(new ProducerConfig { BootstrapServers = mock.Bootstrap, LingerMs = 0 });
        for (var p = 0; p < partitions; p++)
        {
            for (var i = 0; i < perPartition; i++)
            {
                await producer.ProduceAsync(topic, null, BitConverter.GetBytes(i), partition: p);
            }
        }

        return topic;
    }

    private static async Task<List<ConsumerRecord>> ReadAsync(KafkaConsumer consumer, int count)
    {
        var records = new List<ConsumerRecord>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (records.Count < count)
        {
            records.AddRange(await consumer.ConsumeAsync(TimeSpan.FromMilliseconds(200), cts.Token));
        }

        return records;
    }

    [Fact]
    public async Task A_single_member_gets_every_partition_and_commits_what_it_read()
    {
        var topic = await TopicWithRecordsAsync(partitions: 3, perPartition: 4);
        var group = Group();
        await using (var consumer = new KafkaConsumer(Config(group)))
        {
            consumer.Subscribe([topic]);
            var records = await ReadAsync(consumer, 12);
            Assert.Equal(12, records.Count);
            Assert.Equal(3, consumer.Assignment.Count);
            Assert.NotEmpty(consumer.MemberId!);
            Assert.True(consumer.GenerationId >= 1);
            await consumer.CommitAsync(new Dictionary<TopicPartition, long> { [new(topic, 0)] = 4, [new(topic, 1)] = 2, [new(topic, 2)] = 4 });
        }

        // A committed offset is where the group's next member starts: here, partition 1 resumes at offset 2.
        await using var next = new KafkaConsumer(Config(group));
        next.Subscribe([topic]);
        var rest = await ReadAsync(next, 2);
        Assert.All(rest, r => Assert.Equal(1, r.Partition));
        Assert.Equal([2L, 3L], rest.Select(r => r.Offset));
    }

    [Fact]
    public async Task Committed_offsets_are_visible_to_librdkafka()
    {
        var topic = await TopicWithRecordsAsync(partitions: 2, perPartition: 3);
        var group = Group();
        await using (var consumer = new KafkaConsumer(Config(group, autoCommit: true)))
        {
            consumer.Subscribe([topic]);
            await ReadAsync(consumer, 6);
        }

        using var rd = new Rd.ConsumerBuilder<Rd.Ignore, Rd.Ignore>(new Rd.ConsumerConfig { BootstrapServers = mock.Bootstrap, GroupId = group }).Build();
        var committed = rd.Committed([new Rd.TopicPartition(topic, 0), new Rd.TopicPartition(topic, 1)], TimeSpan.FromSeconds(10));
        Assert.All(committed, c => Assert.Equal(3, c.Offset.Value));
    }

    [Fact]
    public async Task Two_members_split_the_partitions_by_range()
    {
        var topic = await TopicWithRecordsAsync(partitions: 4, perPartition: 1);
        var group = Group();
        await using var first = new KafkaConsumer(Config(group));
        first.Subscribe([topic]);
        await ReadAsync(first, 4);

        await using var second = new KafkaConsumer(Config(group));
        second.Subscribe([topic]);

        // Each member polls on its own, as each would in its own process: a member blocked in JoinGroup must not
        // keep the other from noticing the rebalance.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        async Task PollUntilSplitAsync(KafkaConsumer consumer)
        {
            while (!(first.Assignment.Count == 2 && second.Assignment.Count == 2 && first.GenerationId == second.GenerationId))
            {
                await consumer.ConsumeAsync(TimeSpan.FromMilliseconds(100), cts.Token);
            }
        }

        await Task.WhenAll(Task.Run(() => PollUntilSplitAsync(first)), Task.Run(() => PollUntilSplitAsync(second)));
        Assert.Empty(first.Assignment.Intersect(second.Assignment));
        Assert.Equal(first.GenerationId, second.GenerationId);
    }

    [Fact]
    public void Subscribing_without_a_group_id_is_refused()
    {
        var consumer = new KafkaConsumer(new ConsumerConfig { BootstrapServers = mock.Bootstrap });
        Assert.Throws<Errors.ClientConfigException>(() => consumer.Subscribe(["t"]));
    }
}

public sealed class RangeAssignorTests
{
    [Fact]
    public void Ranges_are_consecutive_and_the_first_members_get_the_extra_partitions()
    {
        var assignment = RangeAssignor.Assign(
            new Dictionary<string, IReadOnlyList<string>> { ["b"] = ["t", "u"], ["a"] = ["t"], ["c"] = ["t"] },
            new Dictionary<string, int> { ["t"] = 7, ["u"] = 2 });
        Assert.Equal([new("t", 0), new("t", 1), new("t", 2)], assignment["a"]);
        Assert.Equal([new("t", 3), new("t", 4), new("u", 0), new("u", 1)], assignment["b"]);
        Assert.Equal([new("t", 5), new("t", 6)], assignment["c"]);
    }

    [Fact]
    public void More_members_than_partitions_leaves_some_empty()
    {
        var assignment = RangeAssignor.Assign(
            new Dictionary<string, IReadOnlyList<string>> { ["m1"] = ["t"], ["m2"] = ["t"], ["m3"] = ["t"] },
            new Dictionary<string, int> { ["t"] = 2 });
        Assert.Equal(2, assignment.Values.Sum(a => a.Count));
        Assert.Empty(assignment["m3"]);
    }
}
