namespace Samsa.ProtocolGen;

/// <summary>A folder of schemas, the namespace its types go to, and the output folder under src/Samsa.Protocol.</summary>
internal sealed record SchemaFolder(string Folder, string Namespace, string OutputDirectory)
{
    public static readonly IReadOnlyList<SchemaFolder> All =
    [
        new("messages", "Samsa.Protocol.Messages", "Messages"),
        new("metadata-records", "Samsa.Protocol.MetadataRecords", "MetadataRecords"),
        new("group-coordinator", "Samsa.Protocol.GroupCoordinatorRecords", "GroupCoordinatorRecords"),
        new("transaction-coordinator", "Samsa.Protocol.TransactionCoordinatorRecords", "TransactionCoordinatorRecords"),
        new("raft", "Samsa.Protocol.Raft", "Raft"),
    ];
}
