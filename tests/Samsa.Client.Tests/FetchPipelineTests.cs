using Samsa.Client.Configuration;
using Samsa.Client.Consumer;
using Samsa.Client.Producer;
using Samsa.Client.Tests.Infrastructure;

namespace Samsa.Client.Tests;

/// <summary>How the consumer's fetches share one broker, against the real samsa process (it parks fetches for fetch.max.wait.ms).</summary>
public sealed class FetchPipelineTests(TestBroker broker) : IClassFixture<TestBroker>
{
    [Fact]
    public async Task A_caught_up_partition_does_not_hold_back_a_partition_that_has_records()
    {
        // Partition 1 stays empty, so a fetch for it alone waits the whole fetch.max.wait.ms (20 s). Partition 0 needs
        // many small fetches; if any of them queued behind such a wait, reading 200 records would take minutes.
        var topic = await broker.CreateTopicAsync("caught-up", 2);

        await using (var producer = new KafkaProducer(new ProducerConfig { BootstrapServers = broker.Bootstrap, LingerMs = 0 }))
        {
            for (var i = 0; i < 200; i++)
            {
                await producer.ProduceAsync(topic, null, new byte[100], partition: 0);
            }
        }

        await using var consumer = new KafkaConsumer(new ConsumerConfig
        {
            BootstrapServers = broker.Bootstrap,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            FetchMaxWaitMs = 20_000,
            MaxPartitionFetchBytes = 1_000,
            PrefetchResponses = 1,
        });
        consumer.Assign([new TopicPartition(topic, 0), new TopicPartition(topic, 1)]);
        var offsets = new List<long>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (offsets.Count < 200)
        {
            offsets.AddRange((await consumer.ConsumeAsync(TimeSpan.FromMilliseconds(200), deadline.Token)).Select(r => r.Offset));
        }

        Assert.Equal(Enumerable.Range(0, 200).Select(i => (long)i), offsets);
    }
}
