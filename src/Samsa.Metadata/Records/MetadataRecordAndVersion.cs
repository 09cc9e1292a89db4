using Samsa.Protocol.MetadataRecords;

namespace Samsa.Metadata.Records;

/// <summary>A metadata record and the schema version it is (or is to be) encoded at: Kafka's <c>ApiMessageAndVersion</c>.</summary>
public readonly record struct MetadataRecordAndVersion(IMetadataRecord Record, short Version)
{
    /// <summary>The record at the version Samsa writes it (<see cref="MetadataVersion"/>).</summary>
    public static MetadataRecordAndVersion Of(IMetadataRecord record) => new(record, MetadataVersion.RecordVersion(record.RecordType));

    public override string ToString() => $"{Record.RecordType}(v{Version})";
}
