using Samsa.Client.Admin;
using Samsa.Client.Configuration;
using Samsa.Client.Errors;
using Samsa.Client.Producer;
using Samsa.Client.Tests.Infrastructure;
using Samsa.Protocol.Messages;

namespace Samsa.Client.Tests;

/// <summary>
/// Admin operations the librdkafka mock implements (Metadata, ListOffsets, FindCoordinator, OffsetCommit, OffsetFetch).
/// The mock has no CreateTopics, DeleteTopics, CreatePartitions, DescribeConfigs, AlterConfigs,
/// IncrementalAlterConfigs, DescribeCluster, ListGroups, DescribeGroups, DeleteGroups, ConsumerGroupDescribe,
/// OffsetDelete or DeleteRecords, and answers ListOffsets by timestamp with -1: those are covered in
/// AdminProtocolTests against the stopgap listener.
/// </summary>
[Collection(MockClusterCollection.Name)]
public sealed class AdminMockTests(MockClusterFixture mock)
{
    private KafkaAdminClient NewAdmin() => new(new AdminClientConfig { BootstrapServers = mock.Bootstrap, DefaultApiTimeoutMs = 10_000 });

    [Fact]
    public async Task Describe_cluster_falls_back_to_metadata_and_lists_brokers_and_versions()
    {
        await using var admin = NewAdmin();
        var cluster = await admin.DescribeClusterAsync();
        Assert.Equal([1, 2, 3], cluster.Brokers.Select(b => b.NodeId));
        Assert.All(cluster.Brokers, b => Assert.Equal("127.0.0.1", b.Host));
        Assert.False(string.IsNullOrEmpty(cluster.ClusterId));
        Assert.True(cluster.ControllerId >= -1); // the mock reports whatever rd_kafka_mock_set_controller_id set (0 by default)
        Assert.NotNull(cluster.ApiVersions.Get(ApiKey.Fetch));
        Assert.Equal(cluster.ApiVersions.All, (await admin.GetApiVersionsAsync(2)).All);
    }

    [Fact]
    public async Task Describe_topics_gives_partitions_leaders_replicas_and_isr()
    {
        var topic = mock.CreateTopic("described", partitions: 4, replicationFactor: 3);
        await using var admin = NewAdmin();
        var description = Assert.Single(await admin.DescribeTopicsAsync([topic]));
        Assert.Null(description.Error);
        Assert.False(description.TopicId.IsZero);
        Assert.Equal([0, 1, 2, 3], description.Partitions.Select(p => p.Partition));
        Assert.Equal(3, description.ReplicationFactor);
        Assert.All(description.Partitions, p =>
        {
            Assert.InRange(p.Leader, 1, 3);
            Assert.Contains(p.Leader, p.Replicas);
            Assert.Equal(p.Replicas.Order(), p.Isr.Order());
        });

        Assert.Contains(topic, await admin.ListTopicsAsync());
        var missing = Assert.Single(await admin.DescribeTopicsAsync(["no-such-topic"]));
        Assert.Equal("UNKNOWN_TOPIC_OR_PARTITION", missing.Error!.ErrorName);
    }

    [Fact]
    public async Task List_offsets_gives_the_earliest_and_latest_offsets()
    {
        var topic = mock.CreateTopic("offsets", 2);
        await using (var producer = new KafkaProducer(new ProducerConfig { BootstrapServers = mock.Bootstrap }))
        {
            for (var i = 0; i < 7; i++)
            {
                await producer.ProduceAsync(topic, null, [1], partition: 1);
            }
        }

        await using var admin = NewAdmin();
        var tp0 = new TopicPartition(topic, 0);
        var tp1 = new TopicPartition(topic, 1);
        var offsets = await admin.ListOffsetsAsync(new Dictionary<TopicPartition, long>
        {
            [tp0] = OffsetSpec.Latest,
            [tp1] = OffsetSpec.Latest,
        });
        Assert.Equal(0, offsets[tp0].Offset);
        Assert.Equal(7, offsets[tp1].Offset);
        Assert.Equal(0, (await admin.ListOffsetsAsync(new Dictionary<TopicPartition, long> { [tp1] = OffsetSpec.Earliest }))[tp1].Offset);
    }

    [Fact]
    public async Task Offsets_committed_for_a_group_are_fetched_back()
    {
        var topic = mock.CreateTopic("committed", 3);
        await using var admin = NewAdmin();
        var group = $"group-{Guid.NewGuid():N}";
        var commits = new Dictionary<TopicPartition, long> { [new(topic, 0)] = 5, [new(topic, 2)] = 42 };
        var results = await admin.AlterConsumerGroupOffsetsAsync(group, commits);
        results.ThrowIfAnyFailed();
        Assert.Equal(2, results.Count);

        var fetched = await admin.ListConsumerGroupOffsetsAsync(group, [new(topic, 0), new(topic, 1), new(topic, 2)]);
        Assert.Equal(5, fetched[new(topic, 0)].Offset);
        Assert.Equal(-1, fetched[new(topic, 1)].Offset);
        Assert.Equal(42, fetched[new(topic, 2)].Offset);
    }

    [Fact]
    public async Task An_api_the_broker_lacks_is_a_clear_error()
    {
        await using var admin = NewAdmin();
        var error = await Assert.ThrowsAsync<UnsupportedApiException>(() => admin.CreateTopicsAsync([new NewTopic("t", 1, 1)]));
        Assert.Contains("does not support CreateTopics", error.Message, StringComparison.Ordinal);
    }
}
