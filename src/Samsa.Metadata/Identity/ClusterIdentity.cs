using Samsa.Protocol.Primitives;

namespace Samsa.Metadata.Identity;

/// <summary>
/// The cluster id and the ids of this node's log dirs, from their <c>meta.properties</c>. On the first start the
/// dirs are formatted with a new cluster id (Kafka asks for <c>kafka-storage format</c>; Samsa does it itself for
/// a node whose dirs are all new); on every later start each dir must name this node and the same cluster.
/// </summary>
public sealed class ClusterIdentity
{
    private ClusterIdentity(string clusterId, IReadOnlyDictionary<string, Uuid> directoryIds, bool formatted)
    {
        ClusterId = clusterId;
        DirectoryIds = directoryIds;
        Formatted = formatted;
    }

    public string ClusterId { get; }

    /// <summary>The id of each directory (full path).</summary>
    public IReadOnlyDictionary<string, Uuid> DirectoryIds { get; }

    /// <summary>True when this start wrote a new cluster id.</summary>
    public bool Formatted { get; }

    /// <summary>
    /// Reads or writes <c>meta.properties</c> in every directory (log dirs and the metadata log dir).
    /// </summary>
    /// <exception cref="MetaPropertiesException">A dir names another node, the dirs name different clusters, or a file is unreadable.</exception>
    public static ClusterIdentity Load(IEnumerable<string> directories, int nodeId)
    {
        var dirs = directories.Select(Path.GetFullPath).Distinct(StringComparer.Ordinal).ToList();
        var found = new Dictionary<string, MetaProperties>(StringComparer.Ordinal);
        foreach (var dir in dirs)
        {
            Directory.CreateDirectory(dir);
            if (MetaProperties.Read(dir) is { } properties)
            {
                if (properties.NodeId != nodeId)
                {
                    throw new MetaPropertiesException(
                        $"{Path.Combine(dir, MetaProperties.FileName)} belongs to node {properties.NodeId}, but this node is configured with node.id={nodeId}. " +
                        $"If you moved this data here, set node.id={properties.NodeId}; to start a new node, use empty data directories.");
                }

                found[dir] = properties;
            }
        }

        var clusterIds = found.Values.Select(p => p.ClusterId).Distinct(StringComparer.Ordinal).ToList();
        if (clusterIds.Count > 1)
        {
            throw new MetaPropertiesException(
                "The data directories belong to different clusters: " +
                string.Join(", ", found.Select(f => $"{f.Key} has cluster.id {f.Value.ClusterId}")) +
                ". Each directory of a node must belong to the node's one cluster.");
        }

        var formatted = clusterIds.Count == 0;
        var clusterId = formatted ? Uuid.Random().ToString() : clusterIds[0];
        var ids = new Dictionary<string, Uuid>(StringComparer.Ordinal);
        foreach (var dir in dirs)
        {
            if (found.TryGetValue(dir, out var existing) && !existing.DirectoryId.IsZero)
            {
                ids[dir] = existing.DirectoryId;
                continue;
            }

            // A new dir joins the node's cluster; an older file without directory.id gets one.
            var properties = new MetaProperties(clusterId, nodeId, Uuid.Random());
            properties.Write(dir);
            ids[dir] = properties.DirectoryId;
        }

        return new ClusterIdentity(clusterId, ids, formatted);
    }
}
