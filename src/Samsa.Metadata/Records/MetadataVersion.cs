using Samsa.Protocol.MetadataRecords;

namespace Samsa.Metadata.Records;

/// <summary>
/// The <c>metadata.version</c> feature Samsa writes: Kafka 3.9-IV0 (feature level 21), the newest level whose
/// record schemas this build carries. The level decides which version of each record is written, as in Kafka,
/// so a log written here reads the same in a Kafka of that level.
/// </summary>
public static class MetadataVersion
{
    public const string FeatureName = "metadata.version";

    /// <summary>IBP_3_3_IV3, the lowest level Kafka 4 still accepts.</summary>
    public const short MinimumLevel = 7;

    /// <summary>IBP_3_9_IV0.</summary>
    public const short LatestLevel = 21;

    /// <summary>Release name of <see cref="LatestLevel"/>, for logs and DescribeFeatures.</summary>
    public const string LatestName = "3.9-IV0";

    /// <summary>
    /// The version at which each record type is written at <see cref="LatestLevel"/>: directories (KIP-858) are in
    /// from 3.7-IV2, eligible leader replicas (KIP-966, PartitionRecord v2) only from 4.0.
    /// </summary>
    public static short RecordVersion(MetadataRecordType type) => type switch
    {
        MetadataRecordType.RegisterBroker => 3,
        MetadataRecordType.Partition => 1,
        MetadataRecordType.PartitionChange => 1,
        MetadataRecordType.BrokerRegistrationChange => 2,
        _ => 0,
    };
}
