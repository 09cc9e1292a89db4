using Samsa.Protocol.Primitives;

namespace Samsa.GroupCoordinator.Tests;

/// <summary>A metadata image for tests: topics with ids and partition counts.</summary>
public sealed class TestTopics : ITopicMetadata
{
    private readonly Dictionary<string, TopicInfo> _byName = new(StringComparer.Ordinal);

    public long Version { get; private set; }

    public IEnumerable<string> TopicNames => [.. _byName.Keys];

    public TopicInfo Add(string name, int partitions)
    {
        var id = _byName.TryGetValue(name, out var existing) ? existing.Id : Uuid.Random();
        var info = new TopicInfo(id, name, partitions);
        _byName[name] = info;
        Version++;
        return info;
    }

    public TopicInfo this[string name] => _byName[name];

    public bool TryGetTopic(string name, out TopicInfo topic) => _byName.TryGetValue(name, out topic);

    public bool TryGetTopic(Uuid id, out TopicInfo topic)
    {
        foreach (var info in _byName.Values)
        {
            if (info.Id == id)
            {
                topic = info;
                return true;
            }
        }

        topic = default;
        return false;
    }
}
