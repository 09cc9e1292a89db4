using System.Globalization;
using System.Text;
using Samsa.Protocol.Primitives;
using Samsa.Storage.Files;

namespace Samsa.Metadata.Identity;

/// <summary>A log dir's identity is missing, unreadable or belongs to another node or cluster: the broker must not start.</summary>
public sealed class MetaPropertiesException : Exception
{
    public MetaPropertiesException()
    {
    }

    public MetaPropertiesException(string message)
        : base(message)
    {
    }

    public MetaPropertiesException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>
/// Kafka's <c>meta.properties</c> (version 1, KRaft): which cluster and node a log dir belongs to, and the dir's own
/// id (KIP-858). Written once when a dir is first used and checked at every start.
/// </summary>
public sealed record MetaProperties(string ClusterId, int NodeId, Uuid DirectoryId)
{
    public const string FileName = "meta.properties";
    public const int Version = 1;

    /// <summary>Reads <c>meta.properties</c> in <paramref name="directory"/>, or null when there is none.</summary>
    /// <exception cref="MetaPropertiesException">The file exists but is not a version 1 meta.properties.</exception>
    public static MetaProperties? Read(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or '!')
            {
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                values[line[..equals].Trim()] = line[(equals + 1)..].Trim();
            }
        }

        if (!values.TryGetValue("version", out var version) || version != "1")
        {
            throw new MetaPropertiesException($"{path} has version {version ?? "(none)"}; only version 1 (KRaft) is supported");
        }

        if (!values.TryGetValue("cluster.id", out var clusterId) || clusterId.Length == 0)
        {
            throw new MetaPropertiesException($"{path} has no cluster.id");
        }

        if (!values.TryGetValue("node.id", out var nodeText) || !int.TryParse(nodeText, NumberStyles.None, CultureInfo.InvariantCulture, out var nodeId))
        {
            throw new MetaPropertiesException($"{path} has no valid node.id");
        }

        var directoryId = values.TryGetValue("directory.id", out var idText) && Uuid.TryParse(idText, out var id) ? id : Uuid.Zero;
        return new MetaProperties(clusterId, nodeId, directoryId);
    }

    /// <summary>Writes the file durably (temp file, fsync, rename, fsync of the directory).</summary>
    public void Write(string directory)
    {
        var text = new StringBuilder()
            .Append("#\n#").Append(DateTime.UtcNow.ToString("R", CultureInfo.InvariantCulture)).Append('\n')
            .Append("node.id=").Append(NodeId.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append("directory.id=").Append(DirectoryId.ToString()).Append('\n')
            .Append("version=").Append(Version.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append("cluster.id=").Append(ClusterId).Append('\n')
            .ToString();
        var path = Path.Combine(directory, FileName);
        var tmp = path + ".tmp";
        using (var handle = File.OpenHandle(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            RandomAccess.Write(handle, Encoding.UTF8.GetBytes(text), 0);
            NativeFile.Fsync(handle);
        }

        File.Move(tmp, path, overwrite: true);
        NativeFile.FsyncDirectory(directory);
    }
}
