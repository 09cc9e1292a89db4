using System.Buffers.Binary;
using Confluent.Kafka;

namespace Samsa.Interop.Tests;

public sealed class ConfluentKafkaTests(BrokerFixture fixture) : IClassFixture<BrokerFixture>
{
    private SamsaBroker Broker => fixture.Broker;

    public static TheoryData<CompressionType, Acks> CompressionAndAcks()
    {
        var data = new TheoryData<CompressionType, Acks>();
        foreach (var compression in new[] { CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd })
        {
            foreach (var acks in new[] { Acks.None, Acks.Leader, Acks.All })
            {
                data.Add(compression, acks);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CompressionAndAcks))]
    public async Task Records_come_back_byte_exact_with_keys_headers_and_timestamps(CompressionType compression, Acks acks)
    {
        var topic = Topics.New($"cf-{compression}-{acks}".ToLowerInvariant());
        await CreateTopicAsync(topic, 2);
        var sent = Enumerable.Range(0, 300).Select(MakeMessage).ToList();

        using (var producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig
        {
            BootstrapServers = Broker.BootstrapServers,
            CompressionType = compression,
            Acks = acks,
            LingerMs = 5,
            EnableIdempotence = false,
        }).Build())
        {
            for (var i = 0; i < sent.Count; i++)
            {
                var result = await producer.ProduceAsync(new TopicPartition(topic, i % 2), sent[i]);
                Assert.Equal(acks == Acks.None ? PersistenceStatus.PossiblyPersisted : PersistenceStatus.Persisted, result.Status);
            }

            producer.Flush(TimeSpan.FromSeconds(30));
        }

        var received = Consume(topic, 2, sent.Count);

        foreach (var partition in new[] { 0, 1 })
        {
            var expected = sent.Where((_, i) => i % 2 == partition).ToList();
            var actual = received.Where(r => r.Partition.Value == partition).OrderBy(r => r.Offset.Value).ToList();
            Assert.Equal(expected.Count, actual.Count);
            for (var i = 0; i < expected.Count; i++)
            {
                AssertSame(expected[i], actual[i].Message);
                Assert.Equal(i, actual[i].Offset.Value);
            }
        }
    }

    [Fact]
    public async Task A_million_records_make_the_round_trip()
    {
        const int count = 1_000_000;
        var topic = Topics.New("cf-million");
        await CreateTopicAsync(topic, 1);
        var failures = 0;
        using (var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig
        {
            BootstrapServers = Broker.BootstrapServers,
            CompressionType = CompressionType.Lz4,
            Acks = Acks.All,
            LingerMs = 20,
            BatchSize = 512 * 1024,
            EnableIdempotence = false,
        }).Build())
        {
            var key = new byte[4];
            for (var i = 0; i < count; i++)
            {
                BinaryPrimitives.WriteInt32BigEndian(key, i);
                while (true)
                {
                    try
                    {
                        producer.Produce(topic, new Message<byte[], byte[]> { Key = key.ToArray(), Value = ValueOf(i) }, report =>
                        {
                            if (report.Error.IsError)
                            {
                                Interlocked.Increment(ref failures);
                            }
                        });
                        break;
                    }
                    catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                    {
                        producer.Poll(TimeSpan.FromMilliseconds(50));
                    }
                }
            }

            Assert.Equal(0, producer.Flush(TimeSpan.FromMinutes(2)));
        }

        Assert.Equal(0, failures);
        using var consumer = NewConsumer();
        consumer.Assign(new TopicPartitionOffset(topic, 0, 0));
        var deadline = DateTime.UtcNow.AddMinutes(3);
        for (var next = 0; next < count;)
        {
            Assert.True(DateTime.UtcNow < deadline, $"only {next} of {count} records came back in time");
            var result = consumer.Consume(TimeSpan.FromSeconds(5));
            if (result is null)
            {
                continue;
            }

            Assert.Equal(next, result.Offset.Value);
            Assert.Equal(next, BinaryPrimitives.ReadInt32BigEndian(result.Message.Key));
            Assert.Equal(ValueOf(next), result.Message.Value);
            next++;
        }
    }

    [Fact]
    public async Task The_admin_client_creates_describes_and_deletes_topics()
    {
        var topic = Topics.New("cf-admin");
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = Broker.BootstrapServers }).Build();

        await admin.CreateTopicsAsync([new Confluent.Kafka.Admin.TopicSpecification { Name = topic, NumPartitions = 3, ReplicationFactor = 1 }]);
        var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(10));
        Assert.Equal(3, metadata.Topics.Single().Partitions.Count);
        var cluster = await admin.DescribeClusterAsync();
        Assert.Equal(1, cluster.Nodes.Single().Id);

        await admin.CreatePartitionsAsync([new Confluent.Kafka.Admin.PartitionsSpecification { Topic = topic, IncreaseTo = 5 }]);
        Assert.Equal(5, admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions.Count);

        await admin.DeleteTopicsAsync([topic]);
        Assert.DoesNotContain(admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics, t => t.Topic == topic);

        var duplicate = await Assert.ThrowsAsync<Confluent.Kafka.Admin.CreateTopicsException>(() =>
            admin.CreateTopicsAsync([new Confluent.Kafka.Admin.TopicSpecification { Name = "bad/name", NumPartitions = 1, ReplicationFactor = 1 }]));
        Assert.Equal(ErrorCode.TopicException, duplicate.Results[0].Error.Code);
    }

    internal static byte[] ValueOf(int i)
    {
        var value = new byte[24];
        for (var j = 0; j < value.Length; j += 4)
        {
            BinaryPrimitives.WriteInt32BigEndian(value.AsSpan(j), i ^ j);
        }

        return value;
    }

    private static Message<byte[]?, byte[]?> MakeMessage(int i) => new()
    {
        Key = i % 7 == 0 ? null : System.Text.Encoding.UTF8.GetBytes($"key-{i}"),
        Value = i % 11 == 0 ? null : i % 13 == 0 ? [] : ValueOf(i),
        Headers = i % 3 == 0 ? [] : [new Header("h1", System.Text.Encoding.UTF8.GetBytes($"v{i}")), new Header("h2", null), new Header("h1", [1, 2, 3])],
        Timestamp = new Timestamp(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 10_000 + i, TimestampType.CreateTime),
    };

    private static void AssertSame(Message<byte[]?, byte[]?> expected, Message<byte[]?, byte[]?> actual)
    {
        Assert.Equal(expected.Key, actual.Key);
        Assert.Equal(expected.Value ?? null, actual.Value);
        Assert.Equal(expected.Timestamp.UnixTimestampMs, actual.Timestamp.UnixTimestampMs);
        Assert.Equal(TimestampType.CreateTime, actual.Timestamp.Type);
        Assert.Equal(expected.Headers.Select(h => (h.Key, h.GetValueBytes())), actual.Headers.Select(h => (h.Key, h.GetValueBytes())));
    }

    private IConsumer<byte[]?, byte[]?> NewConsumer() => new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
    {
        BootstrapServers = Broker.BootstrapServers,

        // Confluent.Kafka requires a group id; with assign() and no commits the group is never joined.
        GroupId = "samsa-interop",
        EnableAutoCommit = false,
        EnableAutoOffsetStore = false,
    }).Build();

    /// <summary>Assigns the partitions at their end, then seeks each to offset 0 and reads <paramref name="count"/> records.</summary>
    private List<ConsumeResult<byte[]?, byte[]?>> Consume(string topic, int partitions, int count)
    {
        using var consumer = NewConsumer();
        var assigned = Enumerable.Range(0, partitions).Select(p => new TopicPartition(topic, p)).ToList();
        consumer.Assign(assigned.Select(tp => new TopicPartitionOffset(tp, Offset.End)));
        var results = new List<ConsumeResult<byte[]?, byte[]?>>(count);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var seeks = new HashSet<TopicPartition>(assigned);
        while (seeks.Count > 0 && DateTime.UtcNow < deadline)
        {
            // librdkafka seeks only partitions whose fetcher has started; a few polls get it there.
            Assert.Null(consumer.Consume(TimeSpan.FromMilliseconds(100)));
            foreach (var tp in seeks.ToList())
            {
                try
                {
                    consumer.Seek(new TopicPartitionOffset(tp, 0));
                    seeks.Remove(tp);
                }
                catch (KafkaException e) when (e.Error.Code == ErrorCode.Local_State)
                {
                }
            }
        }

        while (results.Count < count && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromSeconds(1)) is { } result)
            {
                results.Add(result);
            }
        }

        return results;
    }

    private async Task CreateTopicAsync(string topic, int partitions)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = Broker.BootstrapServers }).Build();
        await admin.CreateTopicsAsync([new Confluent.Kafka.Admin.TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = 1 }]);
    }
}
