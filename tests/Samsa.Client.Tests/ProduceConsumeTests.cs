using System.Text;
using Samsa.Client.Configuration;
using Samsa.Client.Consumer;
using Samsa.Client.Producer;
using Samsa.Client.Tests.Infrastructure;
using Samsa.Protocol.Records;

namespace Samsa.Client.Tests;

/// <summary>Producer and consumer against librdkafka's mock cluster: records come back byte for byte.</summary>
[Collection(MockClusterCollection.Name)]
public sealed class ProduceConsumeTests(MockClusterFixture mock)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData("none")]
    [InlineData("gzip")]
    [InlineData("snappy")]
    [InlineData("lz4")]
    [InlineData("zstd")]
    public async Task Records_produced_with_each_codec_are_consumed_back_byte_exact(string codec)
    {
        var topic = mock.CreateTopic($"codec-{codec}", partitions: 1);
        var records = new List<(byte[]? Key, byte[]? Value, RecordHeader[] Headers, long Timestamp)>();
        var random = new Random(42);
        for (var i = 0; i < 300; i++)
        {
            var value = new byte[random.Next(0, 2000)];
            random.NextBytes(value);
            byte[]? key = i % 7 == 0 ? null : Encoding.UTF8.GetBytes($"key-{i}");
            var headers = i % 3 == 0
                ? new[] { new RecordHeader("h1", Encoding.UTF8.GetBytes($"v{i}")), new RecordHeader("null-value", null) }
                : [];
            records.Add((key, i == 5 ? null : value, headers, 1_700_000_000_000 + i));
        }

        var config = new ProducerConfig { BootstrapServers = mock.Bootstrap, LingerMs = 20, BatchSize = 64 * 1024 };
        config.Set("compression.type", codec);
        await using (var producer = new KafkaProducer(config))
        {
            var deliveries = new List<Task<DeliveryResult>>();
            foreach (var (key, value, headers, timestamp) in records)
            {
                deliveries.Add(producer.ProduceAsync(topic, key, value, headers, partition: 0, timestamp: timestamp).AsTask());
            }

            for (var i = 0; i < deliveries.Count; i++)
            {
                var result = await deliveries[i];
                Assert.Equal(i, result.Offset);
                Assert.Equal(0, result.Partition);
            }
        }

        var consumed = await ConsumeAsync(topic, [new TopicPartition(topic, 0)], records.Count);
        Assert.Equal(records.Count, consumed.Count);
        for (var i = 0; i < records.Count; i++)
        {
            var expected = records[i];
            var actual = consumed[i];
            Assert.Equal(i, actual.Offset);
            Assert.Equal(expected.Key, actual.Key);
            Assert.Equal(expected.Value, actual.Value);
            Assert.Equal(expected.Timestamp, actual.Timestamp);
            Assert.Equal(expected.Headers.Length, actual.Headers.Count);
            for (var h = 0; h < expected.Headers.Length; h++)
            {
                Assert.Equal(Encoding.UTF8.GetString(expected.Headers[h].Key.Span), actual.Headers[h].Key);
                Assert.Equal(expected.Headers[h].IsValueNull ? null : expected.Headers[h].Value.ToArray(), actual.Headers[h].Value);
            }
        }
    }

    private async Task<List<ConsumerRecord>> ConsumeAsync(string topic, TopicPartition[] partitions, int count)
    {
        var config = new ConsumerConfig { BootstrapServers = mock.Bootstrap, AutoOffsetReset = AutoOffsetReset.Earliest, FetchMaxWaitMs = 100 };
        await using var consumer = new KafkaConsumer(config);
        consumer.Assign(partitions);
        var result = new List<ConsumerRecord>();
        using var cts = new CancellationTokenSource(Deadline);
        while (result.Count < count)
        {
            cts.Token.ThrowIfCancellationRequested();
            result.AddRange(await consumer.ConsumeAsync(TimeSpan.FromMilliseconds(500), cts.Token));
        }

        Assert.All(result, r => Assert.Equal(topic, r.Topic));
        return result;
    }
}
