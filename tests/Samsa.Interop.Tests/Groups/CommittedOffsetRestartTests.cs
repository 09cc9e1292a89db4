using Confluent.Kafka;

namespace Samsa.Interop.Tests.Groups;

public sealed class CommittedOffsetRestartTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_group_resumes_at_its_committed_offsets_after_a_restart(bool kill)
    {
        await using var broker = await SamsaBroker.StartAsync(GroupBrokerFixture.Overrides);
        var topic = await GroupTopics.CreateAsync(broker, "grp-restart", 2);
        var group = Topics.New("g-restart");
        GroupTopics.Produce(broker, topic, 2, 0, 200);
        var committed = ConsumeAndCommit(broker, group, topic, 120);

        if (kill)
        {
            await broker.KillAsync();
        }
        else
        {
            await broker.StopAsync();
        }

        await broker.RestartAsync();
        GroupTopics.Produce(broker, topic, 2, 200, 20);
        using var consumer = new ConsumerBuilder<Ignore, string>(GroupTopics.Config(broker, group)).Build();
        var stored = consumer.Committed([.. committed.Keys], TimeSpan.FromSeconds(30));
        consumer.Subscribe(topic);
        var firstSeen = new Dictionary<TopicPartition, long>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (firstSeen.Count < 2 && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(100) is { IsPartitionEOF: false } result)
            {
                firstSeen.TryAdd(result.TopicPartition, result.Offset.Value);
            }
        }

        Assert.Equal(committed.OrderBy(e => e.Key.Partition.Value), stored.ToDictionary(s => s.TopicPartition, s => s.Offset.Value).OrderBy(e => e.Key.Partition.Value));
        Assert.Equal(committed.OrderBy(e => e.Key.Partition.Value), firstSeen.OrderBy(e => e.Key.Partition.Value));
        consumer.Close();
    }

    /// <summary>Consumes <paramref name="count"/> records, committing each synchronously; returns the next offset per partition.</summary>
    private static Dictionary<TopicPartition, long> ConsumeAndCommit(SamsaBroker broker, string group, string topic, int count)
    {
        using var consumer = new ConsumerBuilder<Ignore, string>(GroupTopics.Config(broker, group)).Build();
        consumer.Subscribe(topic);
        var next = new Dictionary<TopicPartition, long>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        for (var consumed = 0; consumed < count && DateTime.UtcNow < deadline;)
        {
            if (consumer.Consume(100) is { IsPartitionEOF: false } result)
            {
                consumer.Commit(result);
                next[result.TopicPartition] = result.Offset.Value + 1;
                consumed++;
            }
        }

        consumer.Close();
        Assert.Equal(count, next.Values.Sum());
        return next;
    }
}
