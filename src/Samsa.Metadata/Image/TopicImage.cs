using System.Collections.Immutable;
using Samsa.Protocol.Primitives;

namespace Samsa.Metadata.Image;

/// <summary>A topic: its name, id and partitions by id (0..n-1 as Kafka numbers them, in order).</summary>
public sealed class TopicImage
{
    public TopicImage(string name, Uuid id, ImmutableSortedDictionary<int, PartitionRegistration> partitions)
    {
        Name = name;
        Id = id;
        Partitions = partitions;
    }

    public string Name { get; }

    public Uuid Id { get; }

    public ImmutableSortedDictionary<int, PartitionRegistration> Partitions { get; }

    public int PartitionCount => Partitions.Count;

    /// <summary>Kafka's internal topics: clients may read them but not produce to them.</summary>
    public bool IsInternal => TopicNames.IsInternal(Name);

    public PartitionRegistration? Partition(int id) => Partitions.GetValueOrDefault(id);

    public override string ToString() => $"{Name} ({Id}, {Partitions.Count} partitions)";
}
