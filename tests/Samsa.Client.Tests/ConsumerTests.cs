using Samsa.Client.Configuration;
using Samsa.Client.Consumer;
using Samsa.Client.Errors;
using Samsa.Client.Producer;
using Samsa.Client.Tests.Infrastructure;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Records;

namespace Samsa.Client.Tests;

/// <summary>Consumer positions, seeks and out-of-range handling, and producer retries, against librdkafka's mock cluster.</summary>
[Collection(MockClusterCollection.Name)]
public sealed class ConsumerTests(MockClusterFixture mock)
{
    private async Task<string> TopicWithRecordsAsync(string prefix, int count)
    {
        var topic = mock.CreateTopic(prefix, 1);
        await using var producer = new KafkaProducer(new ProducerConfig { BootstrapServers = mock.Bootstrap, LingerMs = 0 });
        for (var i = 0; i < count; i++)
        {
            await producer.ProduceAsync(topic, null, BitConverter.GetBytes(i), partition: 0);
        }

        return topic;
    }

    private static async Task<List<ConsumerRecord>> ReadAsync(KafkaConsumer consumer, int count)
    {
        var records = new List<ConsumerRecord>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (records.Count < count)
        {
            records.AddRange(await consumer.ConsumeAsync(TimeSpan.FromMilliseconds(200), cts.Token));
        }

        return records;
    }

    private KafkaConsumer NewConsumer(AutoOffsetReset reset) =>
        new(new ConsumerConfig { BootstrapServers = mock.Bootstrap, AutoOffsetReset = reset, FetchMaxWaitMs = 50 });

    // Seeking by timestamp is tested in AdminProtocolTests: the mock answers ListOffsets by timestamp with -1.
    [Fact]
    public async Task Seek_to_beginning_and_end_move_the_position()
    {
        var topic = await TopicWithRecordsAsync("ends", 5);
        var tp = new TopicPartition(topic, 0);
        await using var consumer = NewConsumer(AutoOffsetReset.Latest);
        consumer.Assign([tp]);
        await consumer.WaitForPositionsAsync();
        Assert.Equal(5, consumer.Position(tp));

        consumer.SeekToBeginning([tp]);
        await consumer.WaitForPositionsAsync();
        Assert.Equal(0, consumer.Position(tp));
        var records = await ReadAsync(consumer, 5);
        Assert.Equal(5, consumer.Position(tp));
        Assert.Equal(Enumerable.Range(0, 5), records.Select(r => BitConverter.ToInt32(r.Value!)));

        consumer.Seek(tp, 3);
        Assert.Equal(3, (await ReadAsync(consumer, 2))[0].Offset);
    }

    [Fact]
    public async Task An_offset_out_of_range_resets_per_auto_offset_reset()
    {
        var topic = await TopicWithRecordsAsync("out-of-range", 3);
        var tp = new TopicPartition(topic, 0);
        await using (var consumer = NewConsumer(AutoOffsetReset.Earliest))
        {
            consumer.Assign([tp]);
            consumer.Seek(tp, 1_000);
            var records = await ReadAsync(consumer, 3);
            Assert.Equal([0L, 1L, 2L], records.Select(r => r.Offset));
        }

        await using (var consumer = NewConsumer(AutoOffsetReset.None))
        {
            consumer.Assign([tp]);
            consumer.Seek(tp, 1_000);
            var error = await Assert.ThrowsAsync<KafkaBrokerException>(() => ReadAsync(consumer, 1));
            Assert.Equal(ErrorCode.OffsetOutOfRange, error.ErrorCode);
            Assert.Equal("OFFSET_OUT_OF_RANGE", error.ErrorName);
        }
    }

    [Fact]
    public async Task Records_are_consumed_from_several_partitions_and_brokers()
    {
        var topic = mock.CreateTopic("spread", 6);
        await using (var producer = new KafkaProducer(new ProducerConfig { BootstrapServers = mock.Bootstrap, LingerMs = 5 }))
        {
            var tasks = Enumerable.Range(0, 600).Select(i => producer.ProduceAsync(topic, BitConverter.GetBytes(i), BitConverter.GetBytes(i)).AsTask()).ToList();
            await Task.WhenAll(tasks);
        }

        await using var consumer = NewConsumer(AutoOffsetReset.Earliest);
        consumer.Assign(Enumerable.Range(0, 6).Select(p => new TopicPartition(topic, p)));
        var records = await ReadAsync(consumer, 600);
        Assert.Equal(Enumerable.Range(0, 600), records.Select(r => BitConverter.ToInt32(r.Value!)).Order());
        foreach (var partition in records.GroupBy(r => r.Partition))
        {
            Assert.Equal(partition.Select(r => r.Offset).Order(), partition.Select(r => r.Offset));
        }
    }

    [Theory]
    [InlineData(CompressionType.None)]
    [InlineData(CompressionType.Lz4)]
    public async Task Batches_larger_than_max_poll_records_are_read_whole_and_in_order_across_polls(CompressionType compression)
    {
        var topic = mock.CreateTopic($"big-batches-{compression}", 1);
        var config = new ProducerConfig { BootstrapServers = mock.Bootstrap, LingerMs = 50, BatchSize = 1_000_000, CompressionType = compression };
        await using (var producer = new KafkaProducer(config))
        {
            await Task.WhenAll(Enumerable.Range(0, 3000).Select(i => producer.ProduceAsync(topic, null, BitConverter.GetBytes(i), partition: 0).AsTask()));
        }

        await using var consumer = new KafkaConsumer(new ConsumerConfig
        {
            BootstrapServers = mock.Bootstrap,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            FetchMaxWaitMs = 50,
            MaxPollRecords = 7,
        });
        consumer.Assign([new TopicPartition(topic, 0)]);
        var records = await ReadAsync(consumer, 3000);
        Assert.Equal(Enumerable.Range(0, 3000), records.Select(r => BitConverter.ToInt32(r.Value!)));
        Assert.Equal(Enumerable.Range(0, 3000).Select(i => (long)i), records.Select(r => r.Offset));
    }

    [Fact]
    public async Task The_producer_retries_retriable_errors_and_the_records_land_once()
    {
        var topic = mock.CreateTopic("retry", 1);
        await using var producer = new KafkaProducer(new ProducerConfig { BootstrapServers = mock.Bootstrap, LingerMs = 0, RetryBackoffMs = 10 });
        await producer.GetPartitionCountAsync(topic);
        mock.Cluster.PushRequestErrors(0, (short)ErrorCode.NotLeaderOrFollower, (short)ErrorCode.LeaderNotAvailable, (short)ErrorCode.RequestTimedOut);
        var result = await producer.ProduceAsync(topic, null, "once"u8.ToArray());
        Assert.Equal(0, result.Offset);

        await using var consumer = NewConsumer(AutoOffsetReset.Earliest);
        consumer.Assign([new TopicPartition(topic, 0)]);
        var records = await ReadAsync(consumer, 1);
        Assert.Single(records);
        await Task.Delay(300);
        Assert.Empty(await consumer.ConsumeAsync(TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public async Task A_non_retriable_produce_error_fails_the_records_with_its_code()
    {
        var topic = mock.CreateTopic("fail", 1);
        await using var producer = new KafkaProducer(new ProducerConfig { BootstrapServers = mock.Bootstrap, LingerMs = 0 });
        await producer.GetPartitionCountAsync(topic);
        mock.Cluster.PushRequestErrors(0, (short)ErrorCode.TopicAuthorizationFailed);
        var error = await Assert.ThrowsAsync<KafkaBrokerException>(async () => await producer.ProduceAsync(topic, null, "x"u8.ToArray()));
        Assert.Equal(ErrorCode.TopicAuthorizationFailed, error.ErrorCode);
        Assert.Contains("TOPIC_AUTHORIZATION_FAILED", error.Message, StringComparison.Ordinal);
    }
}
