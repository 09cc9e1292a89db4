using System.Text;
using Samsa.Client.Producer;
using Samsa.Client.Tests.Infrastructure;
using Samsa.Protocol.Hashing;
using Rd = Confluent.Kafka;

namespace Samsa.Client.Tests;

/// <summary>Kafka's default partitioner: murmur2 for keys (checked against librdkafka's Java-compatible one), sticky without.</summary>
[Collection(MockClusterCollection.Name)]
public sealed class PartitionerTests(MockClusterFixture mock)
{
    [Fact]
    public async Task Keyed_records_land_where_librdkafkas_murmur2_partitioner_puts_them()
    {
        const int partitions = 7;
        var topic = mock.CreateTopic("keyed", partitions);
        var keys = Enumerable.Range(0, 200).Select(i => Encoding.UTF8.GetBytes($"key-{i}-{new string('x', i % 13)}")).ToList();
        keys.Add([]);

        // librdkafka's murmur2_random is the Java client's partitioner for keyed records.
        var theirs = new List<int>();
        var confluentConfig = new Rd.ProducerConfig
        {
            BootstrapServers = mock.Bootstrap,
            Partitioner = Rd.Partitioner.Murmur2Random,
            LingerMs = 5,
        };
        using (var confluent = new Rd.ProducerBuilder<byte[], byte[]>(confluentConfig).SetLogHandler(static (_, _) => { }).Build())
        {
            foreach (var key in keys)
            {
                var report = await confluent.ProduceAsync(topic, new Rd.Message<byte[], byte[]> { Key = key, Value = "v"u8.ToArray() });
                theirs.Add(report.Partition.Value);
            }
        }

        var ours = new List<int>();
        await using (var producer = new KafkaProducer(new Configuration.ProducerConfig { BootstrapServers = mock.Bootstrap, LingerMs = 5 }))
        {
            var tasks = keys.Select(k => producer.ProduceAsync(topic, k, "v"u8.ToArray()).AsTask()).ToList();
            foreach (var task in tasks)
            {
                ours.Add((await task).Partition);
            }
        }

        Assert.Equal(theirs, ours);
        Assert.Equal(keys.Select(k => Murmur2.Partition(k, partitions)), ours);
        Assert.True(ours.Distinct().Count() > 3);
    }

    [Fact]
    public async Task Unkeyed_records_stick_to_one_partition_until_its_batch_is_full()
    {
        var topic = mock.CreateTopic("sticky", 6);
        var config = new Configuration.ProducerConfig { BootstrapServers = mock.Bootstrap, LingerMs = 1_000, BatchSize = 10_000 };
        await using var producer = new KafkaProducer(config);
        await producer.GetPartitionCountAsync(topic);

        // 50 records of 100 bytes fit one batch: all go to one partition.
        var first = Enumerable.Range(0, 50).Select(_ => producer.ProduceAsync(topic, null, new byte[100]).AsTask()).ToList();
        await producer.FlushAsync();
        var partitions = (await Task.WhenAll(first)).Select(r => r.Partition).Distinct().ToList();
        Assert.Single(partitions);

        // 2,000 records of 100 bytes fill about 20 batches: the partition changes with each new batch.
        var many = Enumerable.Range(0, 2_000).Select(_ => producer.ProduceAsync(topic, null, new byte[100]).AsTask()).ToList();
        await producer.FlushAsync();
        var results = await Task.WhenAll(many);
        var switches = results.Zip(results.Skip(1)).Count(pair => pair.First.Partition != pair.Second.Partition);
        Assert.InRange(switches, 10, 40);
    }
}
