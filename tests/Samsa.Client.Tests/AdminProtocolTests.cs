using Samsa.Client.Admin;
using Samsa.Client.Configuration;
using Samsa.Client.Consumer;
using Samsa.Client.Errors;
using Samsa.Client.Producer;
using Samsa.Client.Tests.Infrastructure;
using Samsa.Protocol.Errors;
using Rd = Confluent.Kafka;

namespace Samsa.Client.Tests;

/// <summary>
/// Admin operations librdkafka's mock cluster lacks, and seeks by timestamp (the mock answers ListOffsets by time
/// with -1), against <see cref="TestBroker"/>: the real samsa process, or SAMSA_TEST_BOOTSTRAP's broker.
/// </summary>
#pragma warning disable CA1001 // the admin client is disposed in IAsyncLifetime.DisposeAsync
public sealed class AdminProtocolTests(TestBroker broker) : IClassFixture<TestBroker>, IAsyncLifetime
#pragma warning restore CA1001
{
    private readonly TestBroker _broker = broker;
    private KafkaAdminClient _admin = null!;

    public Task InitializeAsync()
    {
        _admin = new KafkaAdminClient(new AdminClientConfig { BootstrapServers = _broker.Bootstrap, DefaultApiTimeoutMs = 10_000 });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _admin.DisposeAsync();

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..24];

    private async Task<string> CreateTopicAsync(int partitions = 1)
    {
        var name = Unique("topic");
        (await _admin.CreateTopicsAsync([new NewTopic(name, partitions, 1)])).ThrowIfAnyFailed();
        return name;
    }

    [Fact]
    public async Task Topics_are_created_described_and_deleted()
    {
        var name = Unique("created");
        var created = Assert.Single(await _admin.CreateTopicsAsync([new NewTopic(name, 3, 1) { Configs = new Dictionary<string, string?> { ["retention.ms"] = "1000" } }]));
        Assert.Null(created.Error);
        Assert.Equal(3, created.NumPartitions);

        var description = Assert.Single(await _admin.DescribeTopicsAsync([name]));
        Assert.Equal(3, description.Partitions.Count);
        Assert.Equal(1, description.ReplicationFactor);
        Assert.Contains(name, await _admin.ListTopicsAsync());

        var again = Assert.Single(await _admin.CreateTopicsAsync([new NewTopic(name, 3, 1)]));
        Assert.Equal(ErrorCode.TopicAlreadyExists, again.Error!.ErrorCode);
        var thrown = Assert.Throws<KafkaBrokerException>(() => new[] { again }.ThrowIfAnyFailed());
        Assert.StartsWith($"topic {name}: TOPIC_ALREADY_EXISTS (36)", thrown.Message, StringComparison.Ordinal);

        Assert.Null(Assert.Single(await _admin.DeleteTopicsAsync([name])).Error);
        Assert.DoesNotContain(name, await _admin.ListTopicsAsync());
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, Assert.Single(await _admin.DeleteTopicsAsync([name])).Error!.ErrorCode);
    }

    [Fact]
    public async Task Validate_only_creates_nothing()
    {
        var name = Unique("validated");
        Assert.Null(Assert.Single(await _admin.CreateTopicsAsync([new NewTopic(name, 2, 1)], validateOnly: true)).Error);
        Assert.DoesNotContain(name, await _admin.ListTopicsAsync());
    }

    [Fact]
    public async Task Partitions_are_added_and_shrinking_is_refused()
    {
        var name = await CreateTopicAsync(partitions: 2);
        Assert.Null(Assert.Single(await _admin.CreatePartitionsAsync(new Dictionary<string, int> { [name] = 5 })).Error);
        Assert.Equal(5, Assert.Single(await _admin.DescribeTopicsAsync([name])).Partitions.Count);
        Assert.Equal(ErrorCode.InvalidPartitions, Assert.Single(await _admin.CreatePartitionsAsync(new Dictionary<string, int> { [name] = 3 })).Error!.ErrorCode);
    }

    [Fact]
    public async Task Topic_configs_are_described_and_altered_incrementally_and_wholesale()
    {
        var name = await CreateTopicAsync();
        var resource = ConfigResource.Topic(name);
        (await _admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, IReadOnlyList<ConfigAlteration>>
        {
            [resource] =
            [
                new("retention.ms", ConfigOperation.Set, "3600000"),
                new("cleanup.policy", ConfigOperation.Set, "compact"),
            ],
        })).ThrowIfAnyFailed();

        // One change per key and request: brokers refuse duplicate keys (INVALID_REQUEST), as Kafka does.
        (await _admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, IReadOnlyList<ConfigAlteration>>
        {
            [resource] = [new("cleanup.policy", ConfigOperation.Append, "delete")],
        })).ThrowIfAnyFailed();

        var described = Assert.Single(await _admin.DescribeConfigsAsync([resource], includeSynonyms: true));
        Assert.Null(described.Error);
        var retention = described.Entries.Single(e => e.Name == "retention.ms");
        Assert.Equal("3600000", retention.Value);
        Assert.Equal(ConfigSource.DynamicTopicConfig, retention.Source);
        Assert.NotEmpty(retention.Synonyms);
        Assert.Equal("compact,delete", described.Entries.Single(e => e.Name == "cleanup.policy").Value);

        (await _admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, IReadOnlyList<ConfigAlteration>>
        {
            [resource] = [new("retention.ms", ConfigOperation.Delete), new("cleanup.policy", ConfigOperation.Subtract, "compact")],
        })).ThrowIfAnyFailed();
        var after = Assert.Single(await _admin.DescribeConfigsAsync([resource], keys: ["retention.ms", "cleanup.policy"]));
        Assert.True(after.Entries.Single(e => e.Name == "retention.ms").IsDefault);
        Assert.Equal("delete", after.Entries.Single(e => e.Name == "cleanup.policy").Value);

        (await _admin.AlterConfigsAsync(new Dictionary<ConfigResource, IReadOnlyDictionary<string, string?>>
        {
            [resource] = new Dictionary<string, string?> { ["retention.ms"] = "1000" },
        })).ThrowIfAnyFailed();
        Assert.Equal("1000", Assert.Single(await _admin.DescribeConfigsAsync([resource], keys: ["retention.ms"])).Entries.Single().Value);

        var missing = Assert.Single(await _admin.DescribeConfigsAsync([ConfigResource.Topic("no-such-topic")]));
        Assert.Equal("UNKNOWN_TOPIC_OR_PARTITION", missing.Error!.ErrorName);
    }

    [Fact]
    public async Task Broker_configs_are_described_from_the_broker_and_altered()
    {
        var cluster = await _admin.DescribeClusterAsync();
        var broker = ConfigResource.Broker(cluster.Brokers[0].NodeId);
        var described = Assert.Single(await _admin.DescribeConfigsAsync([broker]));
        Assert.Null(described.Error);
        Assert.NotEmpty(described.Entries);

        (await _admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, IReadOnlyList<ConfigAlteration>>
        {
            [ConfigResource.BrokerDefaults] = [new("log.retention.ms", ConfigOperation.Set, "86400000")],
        })).ThrowIfAnyFailed();
        var defaults = Assert.Single(await _admin.DescribeConfigsAsync([ConfigResource.BrokerDefaults], keys: ["log.retention.ms"]));
        Assert.Equal("86400000", defaults.Entries.Single().Value);
    }

    [Fact]
    public async Task Describe_cluster_uses_DescribeCluster_where_the_broker_has_it()
    {
        var cluster = await _admin.DescribeClusterAsync();
        Assert.False(string.IsNullOrEmpty(cluster.ClusterId));
        Assert.NotEmpty(cluster.Brokers);
        Assert.Contains(cluster.ControllerId, cluster.Brokers.Select(b => b.NodeId));
        Assert.True(cluster.ApiVersions.Supports(Protocol.Messages.ApiKey.DescribeCluster));
    }

    [Fact]
    public async Task Classic_groups_are_listed_and_described_with_decoded_assignments()
    {
        var topic = await CreateTopicAsync(partitions: 2);
        var group = Unique("group");
        await using var member = await GroupMember.JoinAsync(_broker, group, topic);

        var listed = await _admin.ListGroupsAsync();
        Assert.Contains(listed, g => g.GroupId == group && g.ProtocolType == "consumer");

        var description = Assert.Single(await _admin.DescribeGroupsAsync([group]));
        Assert.Null(description.Error);
        Assert.Equal("Stable", description.State);
        Assert.Equal("consumer", description.ProtocolType);
        var m = Assert.Single(description.Members);
        Assert.Equal([topic], m.SubscribedTopics);
        Assert.Equal([new TopicPartition(topic, 0), new TopicPartition(topic, 1)], m.Assignment.OrderBy(p => p.Partition));

        var deleted = Assert.Single(await _admin.DeleteGroupsAsync([group]));
        Assert.Equal(ErrorCode.NonEmptyGroup, deleted.Error!.ErrorCode);
    }

    [Fact]
    public async Task Kip848_groups_are_described_with_ConsumerGroupDescribe()
    {
        var topic = await CreateTopicAsync(partitions: 3);
        var group = Unique("kip848");
        await using var joined = await GroupMember.JoinAsync(_broker, group, topic, Rd.GroupProtocol.Consumer);
        var description = Assert.Single(await _admin.DescribeConsumerGroupsAsync([group]));
        Assert.Null(description.Error);
        var member = Assert.Single(description.Members);
        Assert.Equal([new TopicPartition(topic, 0), new TopicPartition(topic, 1), new TopicPartition(topic, 2)], member.Assignment.OrderBy(p => p.Partition));
        Assert.Equal([topic], member.SubscribedTopicNames);
        Assert.Equal("GROUP_ID_NOT_FOUND", Assert.Single(await _admin.DescribeConsumerGroupsAsync(["missing"])).Error!.ErrorName);
        Assert.Contains(await _admin.ListGroupsAsync(types: ["consumer"]), g => g.GroupId == group);
    }

    [Fact]
    public async Task Group_offsets_are_committed_fetched_and_deleted_and_empty_groups_deleted()
    {
        var topic = await CreateTopicAsync(partitions: 2);
        var group = Unique("offsets");
        (await _admin.AlterConsumerGroupOffsetsAsync(group, new Dictionary<TopicPartition, long> { [new(topic, 0)] = 0, [new(topic, 1)] = 0 })).ThrowIfAnyFailed();
        var all = await _admin.ListConsumerGroupOffsetsAsync(group);
        Assert.Equal(2, all.Count);

        (await _admin.DeleteConsumerGroupOffsetsAsync(group, [new(topic, 1)])).ThrowIfAnyFailed();
        var left = await _admin.ListConsumerGroupOffsetsAsync(group, [new(topic, 0), new(topic, 1)]);
        Assert.Equal(0, left[new(topic, 0)].Offset);
        Assert.Equal(-1, left[new(topic, 1)].Offset);

        Assert.Null(Assert.Single(await _admin.DeleteGroupsAsync([group])).Error);
        Assert.Equal(ErrorCode.GroupIdNotFound, Assert.Single(await _admin.DeleteGroupsAsync([group])).Error!.ErrorCode);
    }

    [Fact]
    public async Task Records_are_deleted_up_to_an_offset()
    {
        var topic = await CreateTopicAsync();
        var tp = new TopicPartition(topic, 0);
        await using (var producer = new KafkaProducer(new ProducerConfig { BootstrapServers = _broker.Bootstrap, LingerMs = 0 }))
        {
            for (var i = 0; i < 10; i++)
            {
                await producer.ProduceAsync(topic, null, [(byte)i], partition: 0);
            }
        }

        var result = Assert.Single(await _admin.DeleteRecordsAsync(new Dictionary<TopicPartition, long> { [tp] = 4 }));
        Assert.Null(result.Error);
        Assert.Equal(4, result.LowWatermark);
        Assert.Equal(4, (await _admin.ListOffsetsAsync(new Dictionary<TopicPartition, long> { [tp] = OffsetSpec.Earliest }))[tp].Offset);
        Assert.Equal(ErrorCode.OffsetOutOfRange, Assert.Single(await _admin.DeleteRecordsAsync(new Dictionary<TopicPartition, long> { [tp] = 99 })).Error!.ErrorCode);
    }

    [Fact]
    public async Task Offsets_are_listed_and_sought_by_timestamp()
    {
        var topic = await CreateTopicAsync();
        var tp = new TopicPartition(topic, 0);
        await using (var producer = new KafkaProducer(new ProducerConfig { BootstrapServers = _broker.Bootstrap, LingerMs = 0 }))
        {
            for (var i = 0; i < 10; i++)
            {
                await producer.ProduceAsync(topic, null, [(byte)i], partition: 0, timestamp: 1_000_000 + (i * 1_000));
            }
        }

        var listed = (await _admin.ListOffsetsAsync(new Dictionary<TopicPartition, long> { [tp] = 1_004_500 }))[tp];
        Assert.Equal(5, listed.Offset);
        Assert.Equal(1_005_000, listed.Timestamp);
        Assert.Equal(-1, (await _admin.ListOffsetsAsync(new Dictionary<TopicPartition, long> { [tp] = 2_000_000 }))[tp].Offset);

        await using var consumer = new KafkaConsumer(new ConsumerConfig { BootstrapServers = _broker.Bootstrap, FetchMaxWaitMs = 50 });
        consumer.Assign([tp]);
        var found = await consumer.SeekToTimestampAsync(new Dictionary<TopicPartition, long> { [tp] = 1_006_500 });
        Assert.Equal(7, found[tp]);
        var records = new List<ConsumerRecord>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (records.Count < 3)
        {
            records.AddRange(await consumer.ConsumeAsync(TimeSpan.FromMilliseconds(200), cts.Token));
        }

        Assert.Equal([7L, 8L, 9L], records.Select(r => r.Offset));
        Assert.Equal([7, 8, 9], records.Select(r => (int)r.Value![0]));

        // No record at or after the timestamp: the consumer goes to the end.
        var none = await consumer.SeekToTimestampAsync(new Dictionary<TopicPartition, long> { [tp] = 9_000_000 });
        Assert.Null(none[tp]);
        await consumer.WaitForPositionsAsync();
        Assert.Equal(10, consumer.Position(tp));
    }

    /// <summary>A group with one Confluent.Kafka consumer member (classic protocol, range assignor, unless told otherwise).</summary>
    private sealed class GroupMember : IAsyncDisposable
    {
        private readonly Rd.IConsumer<Rd.Ignore, Rd.Ignore>? _consumer;

        private GroupMember(Rd.IConsumer<Rd.Ignore, Rd.Ignore>? consumer) => _consumer = consumer;

        public static async Task<GroupMember> JoinAsync(TestBroker broker, string group, string topic, Rd.GroupProtocol protocol = Rd.GroupProtocol.Classic)
        {
            var config = new Rd.ConsumerConfig { BootstrapServers = broker.Bootstrap, GroupId = group, GroupProtocol = protocol };
            if (protocol == Rd.GroupProtocol.Classic)
            {
                config.PartitionAssignmentStrategy = Rd.PartitionAssignmentStrategy.Range;
            }

            var consumer = new Rd.ConsumerBuilder<Rd.Ignore, Rd.Ignore>(config).Build();
            consumer.Subscribe(topic);
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (consumer.Assignment.Count == 0 && DateTime.UtcNow < deadline)
            {
                await Task.Run(() => consumer.Consume(TimeSpan.FromMilliseconds(200)));
            }

            return new GroupMember(consumer);
        }

        public ValueTask DisposeAsync()
        {
            _consumer?.Close();
            _consumer?.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
