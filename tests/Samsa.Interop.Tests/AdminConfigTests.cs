using System.Text.Json;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Samsa.Interop.Tests;

/// <summary>Configs and records administration through the clients' admin APIs.</summary>
public sealed class AdminConfigTests(BrokerFixture fixture) : IClassFixture<BrokerFixture>
{
    private const string PythonConfigs = """
        import json, sys
        from kafka import KafkaAdminClient
        from kafka.admin import ConfigResource, ConfigResourceType, NewTopic
        bootstrap, topic = sys.argv[1], sys.argv[2]
        admin = KafkaAdminClient(bootstrap_servers=bootstrap)
        admin.create_topics([NewTopic(topic, 1, 1)])
        altered = admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, topic, configs={'retention.ms': '3600000', 'cleanup.policy': 'compact'})])
        bad = admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, topic, configs={'retention.ms': 'never'})])
        def describe(kind, name):
            response = admin.describe_configs([ConfigResource(kind, name)], include_synonyms=True)[0]
            error, _, _, _, entries = response.resources[0]
            return error, {e[0]: [e[1], e[3], e[4]] for e in entries}
        topic_error, topic_configs = describe(ConfigResourceType.TOPIC, topic)
        broker_error, broker_configs = describe(ConfigResourceType.BROKER, '1')
        print(json.dumps({
            'altered': [r[0] for r in altered.resources],
            'bad': [r[0] for r in bad.resources],
            'topic': [topic_error, topic_configs['retention.ms'], topic_configs['cleanup.policy'], topic_configs['segment.bytes']],
            'broker': [broker_error, broker_configs['node.id'], broker_configs['log.retention.hours']],
        }, separators=(',', ':')))
        """;

    private SamsaBroker Broker => fixture.Broker;

    [Fact]
    public async Task KafkaAdminClient_alters_and_describes_topic_and_broker_configs()
    {
        var topic = Topics.New("py-configs");

        var result = (await ClientProcess.PythonAsync(PythonConfigs, Broker.BootstrapServers, TimeSpan.FromSeconds(120), topic)).EnsureSuccess();

        using var json = JsonDocument.Parse(result.Stdout);
        var root = json.RootElement;
        Assert.Equal([0], root.GetProperty("altered").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal([40], root.GetProperty("bad").EnumerateArray().Select(e => e.GetInt32()));
        var described = root.GetProperty("topic");
        Assert.Equal(0, described[0].GetInt32());
        Assert.Equal("[\"3600000\",1,false]", described[1].GetRawText());
        Assert.Equal("[\"compact\",1,false]", described[2].GetRawText());
        Assert.Equal("[\"1073741824\",5,false]", described[3].GetRawText());
        var broker = root.GetProperty("broker");
        Assert.Equal(0, broker[0].GetInt32());
        Assert.Equal("1", broker[1][0].GetString());
        Assert.Equal(5, broker[2][1].GetInt32());
    }

    [Fact]
    public async Task AdminClient_describes_and_incrementally_alters_configs()
    {
        var topic = Topics.New("cf-configs");
        using var admin = NewAdmin();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 1, ReplicationFactor = 1 }]);
        var resource = new ConfigResource { Type = ResourceType.Topic, Name = topic };

        await admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
        {
            [resource] =
            [
                new ConfigEntry { Name = "retention.ms", Value = "7200000", IncrementalOperation = AlterConfigOpType.Set },
                new ConfigEntry { Name = "cleanup.policy", Value = "compact", IncrementalOperation = AlterConfigOpType.Append },
            ],
        });
        var described = (await admin.DescribeConfigsAsync([resource])).Single().Entries;
        var brokerEntries = (await admin.DescribeConfigsAsync([new ConfigResource { Type = ResourceType.Broker, Name = "1" }])).Single().Entries;
        var invalid = await Assert.ThrowsAsync<IncrementalAlterConfigsException>(() => admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
        {
            [resource] = [new ConfigEntry { Name = "min.insync.replicas", Value = "zero", IncrementalOperation = AlterConfigOpType.Set }],
        }));

        Assert.Equal(("7200000", ConfigSource.DynamicTopicConfig), (described["retention.ms"].Value, described["retention.ms"].Source));
        Assert.Equal("delete,compact", described["cleanup.policy"].Value);
        Assert.Equal(ConfigSource.DefaultConfig, described["segment.bytes"].Source);
        Assert.True(brokerEntries["node.id"].IsReadOnly);
        Assert.False(brokerEntries["log.retention.hours"].IsReadOnly);
        Assert.Equal(ErrorCode.InvalidConfig, invalid.Results.Single().Error.Code);
    }

    [Fact]
    public async Task AdminClient_deletes_records_and_consumers_start_at_the_new_low_watermark()
    {
        var topic = Topics.New("cf-delete");
        using var admin = NewAdmin();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 1, ReplicationFactor = 1 }]);
        (await ClientProcess.KcatAsync(Broker.BootstrapServers, ["-P", "-t", topic, "-K", ":"], ClientProcess.Lines(Enumerable.Range(0, 20).Select(i => $"k{i}:v{i}"))))
            .EnsureSuccess();

        var deleted = await admin.DeleteRecordsAsync([new TopicPartitionOffset(topic, 0, 15)]);
        var pastEnd = await Assert.ThrowsAsync<DeleteRecordsException>(() => admin.DeleteRecordsAsync([new TopicPartitionOffset(topic, 0, 50)]));

        Assert.Equal(15, deleted.Single().Offset.Value);
        Assert.Equal(ErrorCode.OffsetOutOfRange, pastEnd.Results.Single().Error.Code);
        var consumed = (await ClientProcess.KcatAsync(Broker.BootstrapServers, ["-C", "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%o:%k\\n"])).EnsureSuccess();
        Assert.Equal(Enumerable.Range(15, 5).Select(i => $"{i}:k{i}"), consumed.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    private IAdminClient NewAdmin() => new AdminClientBuilder(new AdminClientConfig { BootstrapServers = Broker.BootstrapServers }).Build();
}
