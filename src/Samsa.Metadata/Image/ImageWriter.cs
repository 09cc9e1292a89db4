using Samsa.Metadata.Records;
using Samsa.Protocol.MetadataRecords;

namespace Samsa.Metadata.Image;

/// <summary>
/// Writes an image back out as the records that rebuild it: what a snapshot will hold, and how a publisher that
/// joins late gets the whole state as one delta (<see cref="MetadataDelta.FromImage"/>).
/// </summary>
public static class ImageWriter
{
    public static IEnumerable<MetadataRecordAndVersion> Records(MetadataImage image)
    {
        foreach (var (name, level) in image.Features.Levels)
        {
            yield return MetadataRecordAndVersion.Of(new FeatureLevelRecord { Name = name, FeatureLevel = level });
        }

        foreach (var broker in image.Cluster.Brokers.Values)
        {
            yield return MetadataRecordAndVersion.Of(ToRecord(broker));
        }

        foreach (var topic in image.Topics.ByName.Values)
        {
            yield return MetadataRecordAndVersion.Of(new TopicRecord { Name = topic.Name, TopicId = topic.Id });
            foreach (var (id, partition) in topic.Partitions)
            {
                yield return MetadataRecordAndVersion.Of(partition.ToRecord(topic.Id, id));
            }
        }

        foreach (var (resource, configs) in image.Configs.Resources)
        {
            foreach (var (name, value) in configs)
            {
                yield return MetadataRecordAndVersion.Of(new ConfigRecord { ResourceType = (sbyte)resource.Type, ResourceName = resource.Name, Name = name, Value = value });
            }
        }

        if (image.ProducerIds.NextProducerId >= 0)
        {
            yield return MetadataRecordAndVersion.Of(new ProducerIdsRecord { BrokerId = -1, BrokerEpoch = -1, NextProducerId = image.ProducerIds.NextProducerId });
        }
    }

    private static RegisterBrokerRecord ToRecord(BrokerRegistration broker) => new()
    {
        BrokerId = broker.Id,
        BrokerEpoch = broker.Epoch,
        IncarnationId = broker.IncarnationId,
        EndPoints = [.. broker.Endpoints.Select(e => new RegisterBrokerRecord.BrokerEndpoint { Name = e.Name, Host = e.Host, Port = (ushort)e.Port, SecurityProtocol = e.SecurityProtocol })],
        Features = [.. broker.Features.Select(f => new RegisterBrokerRecord.BrokerFeature { Name = f.Name, MinSupportedVersion = f.MinVersion, MaxSupportedVersion = f.MaxVersion })],
        Rack = broker.Rack,
        Fenced = broker.Fenced,
        InControlledShutdown = broker.InControlledShutdown,
        LogDirs = [.. broker.LogDirs],
    };
}
