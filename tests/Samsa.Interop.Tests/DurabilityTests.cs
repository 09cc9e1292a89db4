using System.Buffers.Binary;
using System.Collections.Concurrent;
using Confluent.Kafka;

namespace Samsa.Interop.Tests;

public sealed class DurabilityTests
{
    [Fact]
    public async Task Topics_and_records_survive_a_clean_restart()
    {
        await using var broker = await SamsaBroker.StartAsync();
        var topic = Topics.New("durable");
        await CreateTopicAsync(broker, topic, 3);
        using (var producer = NewProducer(broker))
        {
            for (var i = 0; i < 300; i++)
            {
                await producer.ProduceAsync(new TopicPartition(topic, i % 3), new Message<byte[], byte[]> { Key = Key(i), Value = ConfluentKafkaTests.ValueOf(i) });
            }
        }

        await broker.StopAsync();
        Assert.True(File.Exists(Path.Combine(broker.DataDir, ".kafka_cleanshutdown")));
        await broker.RestartAsync();

        var read = ReadAll(broker, topic, 3);
        Assert.Equal(300, read.Count);
        Assert.All(read, pair => Assert.Equal(ConfluentKafkaTests.ValueOf(pair.Key), pair.Value));
    }

    [Fact]
    public async Task Every_record_acknowledged_with_acks_all_before_a_kill_9_is_there_after_restart()
    {
        await using var broker = await SamsaBroker.StartAsync();
        var topic = Topics.New("killed");
        await CreateTopicAsync(broker, topic, 2);
        var acknowledged = new ConcurrentDictionary<int, byte>();
        using (var producer = NewProducer(broker))
        {
            using var stop = new CancellationTokenSource();
            var produce = Task.Run(() =>
            {
                for (var i = 0; !stop.IsCancellationRequested && i < 2_000_000; i++)
                {
                    var id = i;
                    try
                    {
                        producer.Produce(new TopicPartition(topic, i % 2), new Message<byte[], byte[]> { Key = Key(i), Value = ConfluentKafkaTests.ValueOf(i) }, report =>
                        {
                            if (!report.Error.IsError && report.Status == PersistenceStatus.Persisted)
                            {
                                acknowledged[id] = 0;
                            }
                        });
                    }
                    catch (ProduceException<byte[], byte[]>)
                    {
                        producer.Poll(TimeSpan.FromMilliseconds(10));
                    }
                }
            });

            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (acknowledged.Count < 20_000 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }

            await broker.KillAsync();
            await stop.CancelAsync();
            await produce;
            producer.Flush(TimeSpan.FromSeconds(2));
        }

        var acked = acknowledged.Keys.ToHashSet();
        Assert.True(acked.Count >= 20_000, $"only {acked.Count} records were acknowledged before the kill");
        Assert.False(File.Exists(Path.Combine(broker.DataDir, ".kafka_cleanshutdown")));
        await broker.RestartAsync();

        var read = ReadAll(broker, topic, 2);
        foreach (var id in acked)
        {
            Assert.True(read.TryGetValue(id, out var value), $"acknowledged record {id} is missing after the restart ({read.Count} read, {acked.Count} acknowledged)");
            Assert.Equal(ConfluentKafkaTests.ValueOf(id), value);
        }
    }

    private static byte[] Key(int i)
    {
        var key = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(key, i);
        return key;
    }

    private static IProducer<byte[], byte[]> NewProducer(SamsaBroker broker) => new ProducerBuilder<byte[], byte[]>(new ProducerConfig
    {
        BootstrapServers = broker.BootstrapServers,
        Acks = Acks.All,
        LingerMs = 5,
        EnableIdempotence = false,
        MessageTimeoutMs = 5000,
    }).Build();

    /// <summary>Every record of the topic, by the id in its key.</summary>
    private static Dictionary<int, byte[]> ReadAll(SamsaBroker broker, string topic, int partitions)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = broker.BootstrapServers, GroupId = "samsa-interop", EnableAutoCommit = false }).Build();
        var ends = new long[partitions];
        for (var p = 0; p < partitions; p++)
        {
            ends[p] = consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10)).High.Value;
        }

        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, 0)));
        var read = new Dictionary<int, byte[]>();
        var expected = ends.Sum();
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (read.Count < expected && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromSeconds(1)) is { } result)
            {
                read[BinaryPrimitives.ReadInt32BigEndian(result.Message.Key)] = result.Message.Value;
            }
        }

        Assert.Equal(expected, read.Count);
        return read;
    }

    private static async Task CreateTopicAsync(SamsaBroker broker, string topic, int partitions)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();
        await admin.CreateTopicsAsync([new Confluent.Kafka.Admin.TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = 1 }]);
    }
}
