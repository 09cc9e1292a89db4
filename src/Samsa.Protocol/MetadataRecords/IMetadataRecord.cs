using Samsa.Protocol.Primitives;

namespace Samsa.Protocol.MetadataRecords;

/// <summary>A record of the cluster metadata log.</summary>
public interface IMetadataRecord : IProtocolMessage
{
    MetadataRecordType RecordType { get; }
}
