using Samsa.Protocol.Primitives;

namespace Samsa.GroupCoordinator.Consumer;

/// <summary>Partitions by topic id, ordered, with value equality: assignments of KIP-848 groups.</summary>
internal sealed class TopicPartitionSet : IEquatable<TopicPartitionSet>
{
    private readonly SortedDictionary<Uuid, SortedSet<int>> _topics = new(UuidComparer.Instance);

    public static TopicPartitionSet Empty => new();

    public IReadOnlyDictionary<Uuid, SortedSet<int>> Topics => _topics;

    public int Count
    {
        get
        {
            var count = 0;
            foreach (var partitions in _topics.Values)
            {
                count += partitions.Count;
            }

            return count;
        }
    }

    public bool IsEmpty => _topics.Count == 0;

    public void Add(Uuid topicId, int partition)
    {
        if (!_topics.TryGetValue(topicId, out var set))
        {
            set = [];
            _topics[topicId] = set;
        }

        set.Add(partition);
    }

    public bool Remove(Uuid topicId, int partition)
    {
        if (!_topics.TryGetValue(topicId, out var set) || !set.Remove(partition))
        {
            return false;
        }

        if (set.Count == 0)
        {
            _topics.Remove(topicId);
        }

        return true;
    }

    public bool Contains(Uuid topicId, int partition) => _topics.TryGetValue(topicId, out var set) && set.Contains(partition);

    public IEnumerable<(Uuid TopicId, int Partition)> All()
    {
        foreach (var (topicId, partitions) in _topics)
        {
            foreach (var partition in partitions)
            {
                yield return (topicId, partition);
            }
        }
    }

    public TopicPartitionSet Clone()
    {
        var copy = new TopicPartitionSet();
        foreach (var (topicId, partition) in All())
        {
            copy.Add(topicId, partition);
        }

        return copy;
    }

    public bool Equals(TopicPartitionSet? other)
    {
        if (other is null || other._topics.Count != _topics.Count)
        {
            return false;
        }

        foreach (var (topicId, partitions) in _topics)
        {
            if (!other._topics.TryGetValue(topicId, out var theirs) || !partitions.SetEquals(theirs))
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as TopicPartitionSet);

    public override int GetHashCode() => Count;

    public override string ToString() =>
        string.Join(", ", _topics.Select(t => $"{t.Key}:[{string.Join(',', t.Value)}]"));

    private sealed class UuidComparer : IComparer<Uuid>
    {
        public static readonly UuidComparer Instance = new();

        public int Compare(Uuid x, Uuid y)
        {
            var high = x.MostSignificantBits.CompareTo(y.MostSignificantBits);
            return high != 0 ? high : x.LeastSignificantBits.CompareTo(y.LeastSignificantBits);
        }
    }
}
