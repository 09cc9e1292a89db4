using Samsa.Metadata.Identity;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Tests.Requests;

public sealed class AdminAndMetadataTests
{
    [Fact]
    public async Task Metadata_auto_creates_a_topic_answering_LEADER_NOT_AVAILABLE_meanwhile()
    {
        await using var broker = await TestBroker.StartAsync();
        using var connection = await broker.ConnectAsync();

        var first = await connection.SendAsync<MetadataResponse>(Request("auto", allowAutoCreate: true), 12);
        Assert.Equal(ErrorCode.LeaderNotAvailable, (ErrorCode)first.Topics[0].ErrorCode);

        MetadataResponse later;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        do
        {
            await Task.Delay(50);
            later = await connection.SendAsync<MetadataResponse>(Request("auto", allowAutoCreate: false), 12);
        }
        while (later.Topics[0].ErrorCode != 0 && DateTime.UtcNow < deadline);

        var topic = later.Topics[0];
        Assert.Equal(0, topic.ErrorCode);
        var partition = Assert.Single(topic.Partitions);
        Assert.Equal((1, 1), (partition.LeaderId, Assert.Single(partition.IsrNodes)));
        Assert.False(topic.TopicId.IsZero);
    }

    [Fact]
    public async Task Metadata_does_not_create_when_the_request_or_the_broker_forbids_it()
    {
        await using var broker = await TestBroker.StartAsync("auto.create.topics.enable=false");
        using var connection = await broker.ConnectAsync();

        var forbidden = await connection.SendAsync<MetadataResponse>(Request("nope", allowAutoCreate: true), 12);
        var invalid = await connection.SendAsync<MetadataResponse>(Request("bad name!", allowAutoCreate: true), 12);

        Assert.Equal(ErrorCode.UnknownTopicOrPartition, (ErrorCode)forbidden.Topics[0].ErrorCode);
        Assert.Equal(ErrorCode.InvalidTopicException, (ErrorCode)invalid.Topics[0].ErrorCode);
        await Task.Delay(200);
        Assert.Null(broker.Services.Image.Topics.Get("nope"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(9)]
    [InlineData(12)]
    public async Task Metadata_describes_the_cluster_and_its_topics_at_every_version(short version)
    {
        await using var broker = await TestBroker.StartAsync();
        var created = await broker.CreateTopicAsync("m", 3);
        using var connection = await broker.ConnectAsync();

        var response = await connection.SendAsync<MetadataResponse>(new MetadataRequest { Topics = version == 0 ? [] : null }, version);

        var self = Assert.Single(response.Brokers);
        Assert.Equal((1, "127.0.0.1", broker.Endpoint.Port), (self.NodeId, self.Host, self.Port));
        var topic = Assert.Single(response.Topics);
        Assert.Equal(("m", 3), (topic.Name, topic.Partitions.Count));
        if (version >= 2)
        {
            Assert.Equal(broker.Server.Identity.ClusterId, response.ClusterId);
        }

        if (version >= 10)
        {
            Assert.Equal(created.Topics[0].TopicId, topic.TopicId);
        }
    }

    [Fact]
    public async Task Metadata_v12_looks_topics_up_by_id()
    {
        await using var broker = await TestBroker.StartAsync();
        var id = (await broker.CreateTopicAsync("byid", 1)).Topics[0].TopicId;
        using var connection = await broker.ConnectAsync();

        var response = await connection.SendAsync<MetadataResponse>(new MetadataRequest
        {
            Topics = [new MetadataRequest.MetadataRequestTopic { TopicId = id, Name = null }, new MetadataRequest.MetadataRequestTopic { TopicId = Protocol.Primitives.Uuid.Random(), Name = null }],
        }, 12);

        Assert.Equal(("byid", 0), (response.Topics[0].Name, (int)response.Topics[0].ErrorCode));
        Assert.Equal(ErrorCode.UnknownTopicId, (ErrorCode)response.Topics[1].ErrorCode);
    }

    [Fact]
    public async Task CreateTopics_v7_returns_id_partitions_and_effective_configs_and_v2_only_the_result()
    {
        await using var broker = await TestBroker.StartAsync("log.retention.hours=48");
        using var connection = await broker.ConnectAsync();

        var v7 = (await broker.CreateTopicAsync("configured", 2, ("segment.bytes", "1048576"))).Topics[0];
        var v2 = await connection.SendAsync<CreateTopicsResponse>(new CreateTopicsRequest
        {
            Topics = [new CreateTopicsRequest.CreatableTopic { Name = "configured", NumPartitions = 1, ReplicationFactor = 1 }],
        }, 2);

        Assert.False(v7.TopicId.IsZero);
        Assert.Equal((2, (short)1), (v7.NumPartitions, v7.ReplicationFactor));
        var segment = v7.Configs!.Single(c => c.Name == "segment.bytes");
        Assert.Equal(("1048576", (sbyte)1), (segment.Value, segment.ConfigSource));
        var retention = v7.Configs!.Single(c => c.Name == "retention.ms");
        Assert.Equal(("172800000", (sbyte)4), (retention.Value, retention.ConfigSource));
        Assert.Equal(ErrorCode.TopicAlreadyExists, (ErrorCode)v2.Topics[0].ErrorCode);
        Assert.Equal(1048576, broker.Services.Replicas.Get(new Storage.TopicPartition("configured", 1))!.Log.Config.SegmentBytes);
    }

    [Fact]
    public async Task DeleteTopics_removes_the_logs_and_a_new_topic_of_that_name_starts_empty()
    {
        await using var broker = await TestBroker.StartAsync();
        var id = (await broker.CreateTopicAsync("gone", 1)).Topics[0].TopicId;
        using var connection = await broker.ConnectAsync();
        await connection.SendAsync<ProduceResponse>(Batches.Produce("gone", 0, Batches.Of(5)), 11);
        var directory = Path.Combine(broker.DataDir, "gone-0");
        Assert.True(Directory.Exists(directory));

        var deleted = await connection.SendAsync<DeleteTopicsResponse>(new DeleteTopicsRequest
        {
            Topics = [new DeleteTopicsRequest.DeleteTopicState { TopicId = id, Name = null }],
        }, 6);

        Assert.Equal(("gone", 0), (deleted.Responses[0].Name, (int)deleted.Responses[0].ErrorCode));
        Assert.False(Directory.Exists(directory));
        await broker.CreateTopicAsync("gone", 1);
        Assert.Equal(0, broker.Services.Replicas.Get(new Storage.TopicPartition("gone", 0))!.Log.LogEndOffset);
    }

    [Fact]
    public async Task DeleteTopics_is_refused_when_deletion_is_disabled()
    {
        await using var broker = await TestBroker.StartAsync("delete.topic.enable=false");
        await broker.CreateTopicAsync("kept", 1);
        using var connection = await broker.ConnectAsync();

        var response = await connection.SendAsync<DeleteTopicsResponse>(new DeleteTopicsRequest { TopicNames = ["kept"] }, 4);

        Assert.Equal(ErrorCode.TopicDeletionDisabled, (ErrorCode)response.Responses[0].ErrorCode);
    }

    [Fact]
    public async Task CreatePartitions_adds_hosted_partitions()
    {
        await using var broker = await TestBroker.StartAsync();
        await broker.CreateTopicAsync("grow", 1);
        using var connection = await broker.ConnectAsync();

        var response = await connection.SendAsync<CreatePartitionsResponse>(new CreatePartitionsRequest
        {
            Topics = [new CreatePartitionsRequest.CreatePartitionsTopic { Name = "grow", Count = 3, Assignments = null }],
            TimeoutMs = 10_000,
        }, 3);

        Assert.Equal(0, response.Results[0].ErrorCode);
        Assert.NotNull(broker.Services.Replicas.Get(new Storage.TopicPartition("grow", 2)));
        var produced = await connection.SendAsync<ProduceResponse>(Batches.Produce("grow", 2, Batches.Of(1)), 11);
        Assert.Equal(0, produced.Responses[0].PartitionResponses[0].ErrorCode);
    }

    [Fact]
    public async Task DescribeCluster_lists_the_live_broker()
    {
        await using var broker = await TestBroker.StartAsync("broker.rack=rack-1");
        using var connection = await broker.ConnectAsync();

        var response = await connection.SendAsync<DescribeClusterResponse>(new DescribeClusterRequest { IncludeClusterAuthorizedOperations = true, EndpointType = 1 }, 1);
        var controllers = await connection.SendAsync<DescribeClusterResponse>(new DescribeClusterRequest { EndpointType = 2 }, 1);

        Assert.Equal((0, broker.Server.Identity.ClusterId, 1), (response.ErrorCode, response.ClusterId, response.ControllerId));
        var self = Assert.Single(response.Brokers);
        Assert.Equal((1, broker.Endpoint.Port, "rack-1"), (self.BrokerId, self.Port, self.Rack));
        Assert.NotEqual(int.MinValue, response.ClusterAuthorizedOperations);
        Assert.Equal(ErrorCode.UnsupportedEndpointType, (ErrorCode)controllers.ErrorCode);
    }

    [Fact]
    public async Task Topics_and_records_survive_a_restart_with_a_new_leader_epoch()
    {
        await using var broker = await TestBroker.StartAsync();
        await broker.CreateTopicAsync("durable", 2, ("retention.ms", "123456789"));
        using (var connection = await broker.ConnectAsync())
        {
            await connection.SendAsync<ProduceResponse>(Batches.Produce("durable", 1, Batches.Of(7)), 11);
        }

        var epoch = broker.Services.Image.Topics.Get("durable")!.Partition(1)!.LeaderEpoch;
        await broker.RestartAsync();

        var partition = broker.Services.Image.Topics.Get("durable")!.Partition(1)!;
        Assert.Equal(epoch + 1, partition.LeaderEpoch);
        var log = broker.Services.Replicas.Get(new Storage.TopicPartition("durable", 1))!.Log;
        Assert.Equal(7, log.LogEndOffset);
        Assert.Equal(123456789, log.Config.RetentionMs);
        using var again = await broker.ConnectAsync();
        var fetched = await again.SendAsync<FetchResponse>(Batches.Fetch("durable", 1, 0), 11);
        Assert.NotEmpty(Batches.RecordsOf(fetched.Responses[0].Partitions[0]));
    }

    [Fact]
    public async Task A_data_dir_of_another_node_stops_the_start()
    {
        await using var broker = await TestBroker.StartAsync();
        var config = Samsa.Broker.Configuration.BrokerConfig.Load(null, ["node.id=2", "listeners=PLAINTEXT://127.0.0.1:0", $"log.dirs={broker.DataDir}"]);

        var error = await Assert.ThrowsAsync<BrokerStartupException>(() => BrokerServer.StartAsync(config, handleSignals: false));

        Assert.IsType<MetaPropertiesException>(error.InnerException);
        Assert.Contains("node.id=1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_broker_on_the_same_data_dir_stops_before_touching_it()
    {
        await using var broker = await TestBroker.StartAsync();
        var config = Samsa.Broker.Configuration.BrokerConfig.Load(null, ["listeners=PLAINTEXT://127.0.0.1:0", $"log.dirs={broker.DataDir}"]);

        var error = await Assert.ThrowsAsync<BrokerStartupException>(() => BrokerServer.StartAsync(config, handleSignals: false));

        Assert.Contains("in use by another process", error.Message, StringComparison.Ordinal);
        await broker.CreateTopicAsync("still-serving", 1);
    }

    private static MetadataRequest Request(string topic, bool allowAutoCreate) => new()
    {
        Topics = [new MetadataRequest.MetadataRequestTopic { Name = topic }],
        AllowAutoTopicCreation = allowAutoCreate,
    };
}
