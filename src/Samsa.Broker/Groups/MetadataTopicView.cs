using Samsa.GroupCoordinator;
using Samsa.Metadata.Image;
using Samsa.Metadata.Loader;
using Samsa.Protocol.Primitives;

namespace Samsa.Broker.Groups;

/// <summary>The topics of the broker's latest metadata image as KIP-848 groups see them (regular expressions never match internal topics).</summary>
internal sealed class MetadataTopicView(MetadataLoader metadata) : ITopicMetadata, IMetadataPublisher
{
    private long _version;

    public string Name => nameof(MetadataTopicView);

    public long Version => Interlocked.Read(ref _version);

    public IEnumerable<string> TopicNames => metadata.Image.Topics.ByName.Values.Where(t => !t.IsInternal).Select(t => t.Name);

    public bool TryGetTopic(string name, out TopicInfo topic) => Found(metadata.Image.Topics.Get(name), out topic);

    public bool TryGetTopic(Uuid id, out TopicInfo topic) => Found(metadata.Image.Topics.Get(id), out topic);

    public void OnMetadataUpdate(MetadataDelta delta, MetadataImage image)
    {
        if (delta.Topics.ChangedTopics.Count > 0 || delta.Topics.DeletedTopics.Count > 0)
        {
            Interlocked.Increment(ref _version);
        }
    }

    private static bool Found(TopicImage? image, out TopicInfo topic)
    {
        topic = image is null ? default : new TopicInfo(image.Id, image.Name, image.PartitionCount);
        return image is not null;
    }
}
