using Samsa.Client.Configuration;
using Samsa.Client.Producer;
using Samsa.Client.Tests.Infrastructure;

namespace Samsa.Client.Tests;

/// <summary>When the producer's sender sends, against the real samsa process.</summary>
public sealed class ProducerLingerTests(TestBroker broker) : IClassFixture<TestBroker>
{
    [Fact]
    public async Task With_linger_ms_zero_each_record_is_sent_at_once_not_at_the_senders_idle_tick()
    {
        // The idle sender wakes every 100 ms on its own; 100 records one after the other would then take 10 s.
        var topic = await broker.CreateTopicAsync("linger", 1);

        await using var producer = new KafkaProducer(new ProducerConfig { BootstrapServers = broker.Bootstrap, LingerMs = 0 });
        await producer.ProduceAsync(topic, null, [0], partition: 0);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        for (var i = 1; i <= 100; i++)
        {
            var delivered = await producer.ProduceAsync(topic, null, [(byte)i], partition: 0).AsTask().WaitAsync(deadline.Token);
            Assert.Equal(i, delivered.Offset);
        }
    }

    [Fact]
    public async Task Records_answered_together_carry_one_answer_time_taken_after_they_were_sent()
    {
        var topic = await broker.CreateTopicAsync("answered", 1);
        await using var producer = new KafkaProducer(new ProducerConfig { BootstrapServers = broker.Bootstrap, LingerMs = 50 });
        var sentAt = System.Diagnostics.Stopwatch.GetTimestamp();
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => producer.ProduceAsync(topic, null, [(byte)i], partition: 0).AsTask()));

        Assert.Single(results.Select(r => r.AnsweredAt).Distinct());
        Assert.InRange(results[0].AnsweredAt, sentAt, System.Diagnostics.Stopwatch.GetTimestamp());
    }
}
