using Samsa.Metadata.Records;
using Samsa.Protocol.MetadataRecords;
using Samsa.Protocol.Primitives;

namespace Samsa.Metadata.Tests;

public sealed class MetadataRecordSerdeTests
{
    [Fact]
    public void Feature_level_record_is_framed_as_Kafka_frames_it()
    {
        var bytes = MetadataRecordSerde.Serialize(MetadataRecordAndVersion.Of(new FeatureLevelRecord { Name = "metadata.version", FeatureLevel = 21 }));

        // frame version 1, type 12, version 0, then the flexible record: compact string, int16, empty tagged fields.
        byte[] expected = [1, 12, 0, 17, .. "metadata.version"u8, 0, 21, 0];
        Assert.Equal(expected, bytes);
    }

    [Fact]
    public void Every_record_type_round_trips_at_the_version_Samsa_writes()
    {
        var topicId = Uuid.Random();
        IMetadataRecord[] records =
        [
            new TopicRecord { Name = "orders", TopicId = topicId },
            new PartitionRecord { TopicId = topicId, PartitionId = 3, Replicas = [1, 2], Isr = [1], Leader = 1, LeaderEpoch = 4, PartitionEpoch = 7, Directories = [Uuid.Zero, Uuid.Zero] },
            new PartitionChangeRecord { TopicId = topicId, PartitionId = 3, Leader = 2, Isr = [2] },
            new RemoveTopicRecord { TopicId = topicId },
            new ConfigRecord { ResourceType = 2, ResourceName = "orders", Name = "retention.ms", Value = null },
            new RegisterBrokerRecord { BrokerId = 1, BrokerEpoch = 9, IncarnationId = Uuid.Random(), Rack = "r1", EndPoints = [new RegisterBrokerRecord.BrokerEndpoint { Name = "PLAINTEXT", Host = "h", Port = 9092 }] },
            new FenceBrokerRecord { Id = 1, Epoch = 9 },
            new UnfenceBrokerRecord { Id = 1, Epoch = 9 },
            new BrokerRegistrationChangeRecord { BrokerId = 1, BrokerEpoch = 9, Fenced = -1 },
            new FeatureLevelRecord { Name = "metadata.version", FeatureLevel = 21 },
            new ProducerIdsRecord { BrokerId = 1, BrokerEpoch = 9, NextProducerId = 2000 },
            new NoOpRecord(),
        ];

        foreach (var record in records)
        {
            var entry = MetadataRecordAndVersion.Of(record);
            var decoded = MetadataRecordSerde.Deserialize(MetadataRecordSerde.Serialize(entry));
            Assert.Equal(entry.Version, decoded.Version);
            Assert.Equal(record, decoded.Record);
        }
    }

    [Theory]
    [InlineData(new byte[] { 0, 12, 0 }, "frame version 0")]
    [InlineData(new byte[] { 2, 12, 0 }, "unknown frame version 2")]
    [InlineData(new byte[] { 1, 99, 0 }, "undecodable")]
    [InlineData(new byte[] { 1, 20, 0, 0, 7 }, "after a NoOp record")]
    [InlineData(new byte[] { 1 }, "undecodable")]
    public void Bad_values_raise_a_parse_error(byte[] value, string message)
    {
        var error = Assert.Throws<MetadataParseException>(() => MetadataRecordSerde.Deserialize(value));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
