using System.Text.Json;

namespace Samsa.Interop.Tests;

public sealed class KafkaPythonTests(BrokerFixture fixture) : IClassFixture<BrokerFixture>
{
    private const string ProduceAndConsume = """
        import json, sys
        from kafka import KafkaProducer, KafkaConsumer, TopicPartition
        bootstrap, topic, compression = sys.argv[1], sys.argv[2], sys.argv[3]
        producer = KafkaProducer(bootstrap_servers=bootstrap, acks='all', compression_type=None if compression == 'none' else compression, linger_ms=5)
        sent = []
        for i in range(200):
            future = producer.send(topic, key=('k%d' % i).encode(), value=('v%d' % i).encode(), headers=[('h', ('x%d' % i).encode())], partition=i % 2, timestamp_ms=1700000000000 + i)
            sent.append(future)
        producer.flush()
        offsets = [f.get(timeout=30).offset for f in sent]
        producer.close()
        consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, consumer_timeout_ms=5000)
        partitions = [TopicPartition(topic, 0), TopicPartition(topic, 1)]
        consumer.assign(partitions)
        for tp in partitions:
            consumer.seek(tp, 0)
        records = []
        while len(records) < 200:
            batch = consumer.poll(timeout_ms=5000)
            if not batch:
                break
            for tp, messages in batch.items():
                for m in messages:
                    records.append({'p': m.partition, 'o': m.offset, 'k': m.key.decode(), 'v': m.value.decode(), 'h': [[k, v.decode()] for k, v in m.headers], 't': m.timestamp})
        consumer.close()
        print(json.dumps({'offsets': offsets, 'records': records}))
        """;

    private const string Admin = """
        import json, sys
        from kafka import KafkaAdminClient
        from kafka.admin import NewTopic, NewPartitions
        bootstrap, topic = sys.argv[1], sys.argv[2]
        admin = KafkaAdminClient(bootstrap_servers=bootstrap)
        created = admin.create_topics([NewTopic(topic, 2, 1)])
        errors = [e[1] for e in created.topic_errors]
        listed = topic in admin.list_topics()
        grown = admin.create_partitions({topic: NewPartitions(4)})
        described = admin.describe_topics([topic])
        partitions = len(described[0]['partitions'])
        deleted = admin.delete_topics([topic])
        gone = topic not in admin.list_topics()
        print(json.dumps({'created': errors, 'listed': listed, 'grown': [e[1] for e in grown.topic_errors], 'partitions': partitions, 'deleted': [e[1] for e in deleted.topic_error_codes], 'gone': gone}))
        """;

    private SamsaBroker Broker => fixture.Broker;

    [Theory]
    [InlineData("none")]
    [InlineData("gzip")]
    [InlineData("snappy")]
    [InlineData("lz4")]
    public async Task KafkaProducer_and_an_assigned_KafkaConsumer_round_trip(string compression)
    {
        var topic = Topics.New($"py-{compression}");
        await CreateTopicAsync(topic, 2);

        var result = (await ClientProcess.PythonAsync(ProduceAndConsume, Broker.BootstrapServers, TimeSpan.FromSeconds(120), topic, compression)).EnsureSuccess();

        using var json = JsonDocument.Parse(result.Stdout);
        var records = json.RootElement.GetProperty("records").EnumerateArray().ToList();
        Assert.Equal(200, records.Count);
        foreach (var record in records)
        {
            var key = record.GetProperty("k").GetString()!;
            var i = int.Parse(key[1..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(i % 2, record.GetProperty("p").GetInt32());
            Assert.Equal(i / 2, record.GetProperty("o").GetInt32());
            Assert.Equal($"v{i}", record.GetProperty("v").GetString());
            Assert.Equal(1700000000000 + i, record.GetProperty("t").GetInt64());
            Assert.Equal($"x{i}", record.GetProperty("h")[0][1].GetString());
        }
    }

    [Fact]
    public async Task KafkaAdminClient_creates_grows_and_deletes_a_topic()
    {
        var topic = Topics.New("py-admin");

        var result = (await ClientProcess.PythonAsync(Admin, Broker.BootstrapServers, TimeSpan.FromSeconds(120), topic)).EnsureSuccess();

        using var json = JsonDocument.Parse(result.Stdout);
        var root = json.RootElement;
        Assert.Equal([0], root.GetProperty("created").EnumerateArray().Select(e => e.GetInt32()));
        Assert.True(root.GetProperty("listed").GetBoolean());
        Assert.Equal([0], root.GetProperty("grown").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(4, root.GetProperty("partitions").GetInt32());
        Assert.Equal([0], root.GetProperty("deleted").EnumerateArray().Select(e => e.GetInt32()));
        Assert.True(root.GetProperty("gone").GetBoolean());
    }

    private async Task CreateTopicAsync(string topic, int partitions)
    {
        using var admin = new Confluent.Kafka.AdminClientBuilder(new Confluent.Kafka.AdminClientConfig { BootstrapServers = Broker.BootstrapServers }).Build();
        await admin.CreateTopicsAsync([new Confluent.Kafka.Admin.TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = 1 }]);
    }
}
