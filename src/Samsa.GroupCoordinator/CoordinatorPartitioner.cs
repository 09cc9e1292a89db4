namespace Samsa.GroupCoordinator;

/// <summary>Which <c>__consumer_offsets</c> partition owns a group: Kafka's <c>Utils.abs(groupId.hashCode()) % partitions</c>.</summary>
public static class CoordinatorPartitioner
{
    public const string OffsetsTopicName = "__consumer_offsets";

    public static int PartitionFor(string groupId, int partitionCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(partitionCount);
        var hash = JavaStringHashCode(groupId);

        // Kafka's Utils.abs maps int.MinValue to 0 (Math.abs would leave it negative).
        var positive = hash == int.MinValue ? 0 : Math.Abs(hash);
        return positive % partitionCount;
    }

    /// <summary>Java's <c>String.hashCode</c>: s[0]*31^(n-1) + ... + s[n-1] over UTF-16 code units, wrapping.</summary>
    public static int JavaStringHashCode(string value)
    {
        var hash = 0;
        foreach (var c in value)
        {
            hash = unchecked((31 * hash) + c);
        }

        return hash;
    }
}
