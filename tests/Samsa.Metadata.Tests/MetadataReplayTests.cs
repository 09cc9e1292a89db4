using Samsa.Metadata.Image;
using Samsa.Protocol.MetadataRecords;
using Samsa.Protocol.Primitives;

namespace Samsa.Metadata.Tests;

public sealed class MetadataReplayTests
{
    private static readonly Uuid TopicId = Uuid.Random();

    [Fact]
    public void Topic_and_partition_records_build_the_topic()
    {
        var image = Apply(Empty(), new TopicRecord { Name = "t", TopicId = TopicId }, Partition(0, [1, 2]), Partition(1, [2, 1]));

        var topic = Assert.IsType<TopicImage>(image.Topics.Get("t"));
        Assert.Same(topic, image.Topics.Get(TopicId));
        Assert.Equal(2, topic.PartitionCount);
        Assert.Equal(2, topic.Partition(1)!.Leader);
        Assert.Equal(new[] { 2, 1 }, topic.Partition(1)!.Replicas);
        Assert.Equal(2, image.Offset);
    }

    [Fact]
    public void Partition_change_bumps_the_leader_epoch_only_when_the_leader_changes()
    {
        var image = Apply(Empty(), new TopicRecord { Name = "t", TopicId = TopicId }, Partition(0, [1, 2]));

        image = Apply(image, new PartitionChangeRecord { TopicId = TopicId, PartitionId = 0, Isr = [1] });
        var partition = image.Topics.Get("t")!.Partition(0)!;
        Assert.Equal((1, 0, 1), (partition.Leader, partition.LeaderEpoch, partition.PartitionEpoch));
        Assert.Equal(new[] { 1 }, partition.Isr);

        image = Apply(image, new PartitionChangeRecord { TopicId = TopicId, PartitionId = 0, Leader = 2 });
        partition = image.Topics.Get("t")!.Partition(0)!;
        Assert.Equal((2, 1, 2), (partition.Leader, partition.LeaderEpoch, partition.PartitionEpoch));
        Assert.Equal(new[] { 1 }, partition.Isr);
    }

    [Fact]
    public void Removing_a_topic_removes_its_configs_and_frees_the_name()
    {
        var image = Apply(
            Empty(),
            new ConfigRecord { ResourceType = (sbyte)ConfigResourceType.Topic, ResourceName = "t", Name = "retention.ms", Value = "1000" },
            new TopicRecord { Name = "t", TopicId = TopicId },
            Partition(0, [1]));
        Assert.Equal("1000", image.Configs.ForTopic("t")["retention.ms"]);

        var again = Uuid.Random();
        var delta = new MetadataDelta(image);
        delta.Replay(new RemoveTopicRecord { TopicId = TopicId });
        delta.Replay(new TopicRecord { Name = "t", TopicId = again });
        Assert.True(delta.Topics.DeletedTopics.ContainsKey(TopicId));
        Assert.True(delta.Topics.ChangedTopics[again].IsCreated);
        image = delta.Apply(5, 1);

        Assert.Empty(image.Configs.ForTopic("t"));
        Assert.Equal(again, image.Topics.Get("t")!.Id);
        Assert.Null(image.Topics.Get(TopicId));
    }

    [Fact]
    public void Config_records_set_and_remove_keys_per_resource()
    {
        var image = Apply(
            Empty(),
            new ConfigRecord { ResourceType = (sbyte)ConfigResourceType.Broker, ResourceName = "", Name = "log.retention.ms", Value = "5" },
            new ConfigRecord { ResourceType = (sbyte)ConfigResourceType.Broker, ResourceName = "1", Name = "log.retention.ms", Value = "6" });
        Assert.Equal("5", image.Configs.For(ConfigResource.ClusterDefault)["log.retention.ms"]);
        Assert.Equal("6", image.Configs.For(ConfigResource.Broker(1))["log.retention.ms"]);

        image = Apply(image, new ConfigRecord { ResourceType = (sbyte)ConfigResourceType.Broker, ResourceName = "1", Name = "log.retention.ms", Value = null });
        Assert.Empty(image.Configs.For(ConfigResource.Broker(1)));
        Assert.False(image.Configs.Resources.ContainsKey(ConfigResource.Broker(1)));
    }

    [Fact]
    public void Broker_registration_fencing_and_unfencing_follow_the_epoch()
    {
        var image = Apply(Empty(), new RegisterBrokerRecord
        {
            BrokerId = 1,
            BrokerEpoch = 7,
            IncarnationId = Uuid.Random(),
            Rack = "rack-a",
            EndPoints = [new RegisterBrokerRecord.BrokerEndpoint { Name = "PLAINTEXT", Host = "h1", Port = 9092 }],
        });
        var broker = image.Cluster.Broker(1)!;
        Assert.True(broker.Fenced);
        Assert.Equal("rack-a", broker.Rack);
        Assert.Equal(9092, broker.Endpoint("PLAINTEXT")!.Port);

        image = Apply(image, new UnfenceBrokerRecord { Id = 1, Epoch = 7 });
        Assert.True(image.Cluster.IsActive(1));
        image = Apply(image, new BrokerRegistrationChangeRecord { BrokerId = 1, BrokerEpoch = 7, Fenced = 1 });
        Assert.False(image.Cluster.IsActive(1));

        var stale = new MetadataDelta(image);
        Assert.Throws<MetadataReplayException>(() => stale.Replay(new UnfenceBrokerRecord { Id = 1, Epoch = 6 }));
    }

    [Fact]
    public void Features_producer_ids_and_records_of_later_features()
    {
        var image = Apply(
            Empty(),
            new FeatureLevelRecord { Name = "metadata.version", FeatureLevel = 21 },
            new FeatureLevelRecord { Name = "group.version", FeatureLevel = 1 },
            new ProducerIdsRecord { BrokerId = 1, BrokerEpoch = 1, NextProducerId = 1000 },
            new NoOpRecord(),
            new ClientQuotaRecord(),
            new AccessControlEntryRecord());
        Assert.Equal(21, image.Features.MetadataVersionLevel);
        Assert.Equal(1000, image.ProducerIds.NextProducerId);

        image = Apply(image, new FeatureLevelRecord { Name = "group.version", FeatureLevel = 0 });
        Assert.False(image.Features.Levels.ContainsKey("group.version"));

        var delta = new MetadataDelta(image);
        Assert.Throws<MetadataReplayException>(() => delta.Replay(new ProducerIdsRecord { NextProducerId = 999 }));
    }

    [Fact]
    public void Records_that_contradict_the_image_are_replay_errors()
    {
        var image = Apply(Empty(), new TopicRecord { Name = "t", TopicId = TopicId });

        Assert.Throws<MetadataReplayException>(() => new MetadataDelta(image).Replay(Partition(0, [1], Uuid.Random())));
        Assert.Throws<MetadataReplayException>(() => new MetadataDelta(image).Replay(new TopicRecord { Name = "t", TopicId = Uuid.Random() }));
        Assert.Throws<MetadataReplayException>(() => new MetadataDelta(image).Replay(new PartitionChangeRecord { TopicId = TopicId, PartitionId = 5, Leader = 1 }));
        Assert.Throws<MetadataReplayException>(() => new MetadataDelta(image).Replay(new RemoveTopicRecord { TopicId = Uuid.Random() }));
        Assert.Throws<MetadataReplayException>(() => new MetadataDelta(image).Replay(new FenceBrokerRecord { Id = 3, Epoch = 0 }));
    }

    [Fact]
    public void An_image_written_out_as_records_replays_to_the_same_image()
    {
        var image = Apply(
            Empty(),
            new FeatureLevelRecord { Name = "metadata.version", FeatureLevel = 21 },
            new RegisterBrokerRecord { BrokerId = 1, BrokerEpoch = 1, IncarnationId = Uuid.Random(), Fenced = false },
            new TopicRecord { Name = "t", TopicId = TopicId },
            Partition(0, [1]),
            Partition(1, [1]),
            new ConfigRecord { ResourceType = (sbyte)ConfigResourceType.Topic, ResourceName = "t", Name = "cleanup.policy", Value = "compact" },
            new ProducerIdsRecord { NextProducerId = 5000 });

        var rebuilt = MetadataDelta.FromImage(image).Apply(image.Offset, image.Epoch);

        ImageComparison.Equal(image, rebuilt);
    }

    private static MetadataImage Empty() => MetadataImage.Empty("cluster");

    private static MetadataImage Apply(MetadataImage image, params IMetadataRecord[] records)
    {
        var delta = new MetadataDelta(image);
        foreach (var record in records)
        {
            delta.Replay(record);
        }

        return delta.Apply(image.Offset + records.Length, 1);
    }

    private static PartitionRecord Partition(int id, List<int> replicas, Uuid? topicId = null) => new()
    {
        TopicId = topicId ?? TopicId,
        PartitionId = id,
        Replicas = replicas,
        Isr = [.. replicas],
        Leader = replicas[0],
        LeaderEpoch = 0,
        PartitionEpoch = 0,
    };
}
