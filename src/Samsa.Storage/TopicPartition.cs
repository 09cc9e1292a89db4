using System.Globalization;

namespace Samsa.Storage;

/// <summary>A topic partition, and the <c>&lt;topic&gt;-&lt;partition&gt;</c> directory name Kafka gives its log.</summary>
public readonly record struct TopicPartition(string Topic, int Partition)
{
    public string DirectoryName => $"{Topic}-{Partition.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Parses a partition directory name; topic names may contain '-', so the last one splits.</summary>
    public static bool TryParseDirectoryName(string name, out TopicPartition topicPartition)
    {
        topicPartition = default;
        var dash = name.LastIndexOf('-');
        if (dash <= 0 || dash == name.Length - 1)
        {
            return false;
        }

        if (!int.TryParse(name.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var partition))
        {
            return false;
        }

        topicPartition = new TopicPartition(name[..dash], partition);
        return true;
    }

    public override string ToString() => DirectoryName;
}
