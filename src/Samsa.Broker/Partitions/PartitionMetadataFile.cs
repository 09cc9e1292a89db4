using Samsa.Protocol.Primitives;

namespace Samsa.Broker.Partitions;

/// <summary>
/// Kafka's <c>partition.metadata</c> in a partition directory: the topic id the log belongs to, so a log left
/// behind by a deleted topic is never taken for a new topic of the same name.
/// </summary>
internal static class PartitionMetadataFile
{
    public const string FileName = "partition.metadata";

    /// <summary>The recorded topic id, or null when the file is missing or unreadable.</summary>
    public static Uuid? Read(string partitionDirectory)
    {
        var path = Path.Combine(partitionDirectory, FileName);
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                const string prefix = "topic_id:";
                if (line.StartsWith(prefix, StringComparison.Ordinal) && Uuid.TryParse(line[prefix.Length..].Trim(), out var id))
                {
                    return id;
                }
            }
        }
        catch (IOException)
        {
        }

        return null;
    }

    public static void Write(string partitionDirectory, Uuid topicId)
    {
        var path = Path.Combine(partitionDirectory, FileName);
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, $"version: 0\ntopic_id: {topicId}\n");
        File.Move(tmp, path, overwrite: true);
    }
}
