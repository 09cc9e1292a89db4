using System.Diagnostics;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Samsa.Bench.Groups;

/// <summary>
/// Broker restart time with committed offsets in <c>__consumer_offsets</c>: from starting the process until an
/// OffsetFetch of the last group written answers with its offsets (so the partition holding it has loaded). The
/// offsets are written by 200 simple groups committing 500 partitions each.
/// </summary>
internal static class Restarts
{
    private const int PartitionsPerGroup = 500;

    public static async Task<List<double>> MeasureAsync(BrokerProcess broker, int repeats, string topic, int offsets)
    {
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.Bootstrap }).Build())
        {
            await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = PartitionsPerGroup, ReplicationFactor = 1 }]);
        }

        var groups = Math.Max(1, offsets / PartitionsPerGroup);
        var partitions = Enumerable.Range(0, PartitionsPerGroup).Select(p => new TopicPartition(topic, p)).ToList();
        for (var g = 0; g < groups; g++)
        {
            using var consumer = Consumer(broker, $"{topic}-{g}");
            consumer.Commit(offsets == 0 ? [new TopicPartitionOffset(partitions[0], 1)] : partitions.Select(p => new TopicPartitionOffset(p, g + 1)));
        }

        var samples = new List<double>();
        for (var i = 0; i < repeats; i++)
        {
            await broker.StopAsync();
            var started = Stopwatch.GetTimestamp();
            await broker.RestartAsync();
            using var consumer = Consumer(broker, $"{topic}-{groups - 1}");
            var committed = consumer.Committed([partitions[0]], TimeSpan.FromSeconds(60));
            if (committed[0].Offset.Value < 1)
            {
                throw new InvalidOperationException("the committed offset did not come back after the restart");
            }

            samples.Add(Clock.Ms(started));
        }

        return samples;
    }

    private static IConsumer<Ignore, Ignore> Consumer(BrokerProcess broker, string group) =>
        new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = broker.Bootstrap, GroupId = group, EnableAutoCommit = false }).Build();
}
