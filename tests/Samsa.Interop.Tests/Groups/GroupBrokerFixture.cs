using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Samsa.Interop.Tests.Groups;

/// <summary>A broker tuned for quick group tests: no initial rebalance delay, short sessions allowed, few offsets partitions.</summary>
public sealed class GroupBrokerFixture : IAsyncLifetime
{
    public static readonly string[] Overrides =
    [
        "group.initial.rebalance.delay.ms=0",
        "group.min.session.timeout.ms=1000",
        "offsets.topic.num.partitions=5",
        "group.consumer.min.session.timeout.ms=3000",
        "group.consumer.session.timeout.ms=6000",
        "group.consumer.min.heartbeat.interval.ms=300",
        "group.consumer.heartbeat.interval.ms=300",
    ];

    public SamsaBroker Broker { get; private set; } = null!;

    public async Task InitializeAsync() => Broker = await SamsaBroker.StartAsync(Overrides);

    public async Task DisposeAsync() => await Broker.DisposeAsync();
}

/// <summary>Topics and records for group tests.</summary>
internal static class GroupTopics
{
    public static async Task<string> CreateAsync(SamsaBroker broker, string prefix, int partitions)
    {
        var topic = Topics.New(prefix);
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = 1 }]);
        return topic;
    }

    /// <summary>Produces values <paramref name="from"/>..from+count-1 spread round-robin over the partitions.</summary>
    public static void Produce(SamsaBroker broker, string topic, int partitions, int from, int count)
    {
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, LingerMs = 2, EnableIdempotence = false }).Build();
        for (var i = from; i < from + count; i++)
        {
            producer.Produce(new TopicPartition(topic, i % partitions), new Message<Null, string> { Value = i.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }

        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
    }

    public static ConsumerConfig Config(SamsaBroker broker, string groupId, PartitionAssignmentStrategy strategy = PartitionAssignmentStrategy.Range) => new()
    {
        BootstrapServers = broker.BootstrapServers,
        GroupId = groupId,
        AutoOffsetReset = AutoOffsetReset.Earliest,
        EnableAutoCommit = false,
        SessionTimeoutMs = 6000,
        HeartbeatIntervalMs = 300,
        PartitionAssignmentStrategy = strategy,
        TopicMetadataRefreshIntervalMs = 1000,
    };

    /// <summary>Polls until <paramref name="done"/> holds, failing with <paramref name="what"/> after the timeout.</summary>
    public static async Task WaitUntilAsync(Func<bool> done, TimeSpan timeout, Func<string> what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!done())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out waiting: {what()}");
            }

            await Task.Delay(50);
        }
    }
}
