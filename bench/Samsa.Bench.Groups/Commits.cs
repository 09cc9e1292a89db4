using System.Diagnostics;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Samsa.Bench.Groups;

/// <summary>Synchronous offset commits of one member (each waits for the broker's durable answer), 3 s per sample.</summary>
internal static class Commits
{
    public static List<double> PerSecond(string bootstrap, int repeats)
    {
        var topic = "bench-commit-" + Guid.NewGuid().ToString("N")[..8];
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build())
        {
            admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 1, ReplicationFactor = 1 }]).GetAwaiter().GetResult();
        }

        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = topic, EnableAutoCommit = false }).Build();
        var partition = new TopicPartition(topic, 0);
        consumer.Commit([new TopicPartitionOffset(partition, 0)]);
        var samples = new List<double>();
        long offset = 1;
        for (var i = 0; i < repeats; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var count = 0;
            while (Clock.Ms(started) < 3000)
            {
                consumer.Commit([new TopicPartitionOffset(partition, offset++)]);
                count++;
            }

            samples.Add(count / (Clock.Ms(started) / 1000));
        }

        return samples;
    }
}
