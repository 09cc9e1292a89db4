using System.Collections.Immutable;
using Samsa.Protocol.MetadataRecords;

namespace Samsa.Metadata.Image;

/// <summary>Config changes in a delta: per resource, keys set or removed (null), and resources cleared (a removed topic).</summary>
internal sealed class ConfigurationsDelta(ConfigurationsImage image)
{
    public Dictionary<ConfigResource, ResourceChange> Changed { get; } = [];

    public void Replay(ConfigRecord record)
    {
        var resource = new ConfigResource((ConfigResourceType)record.ResourceType, record.ResourceName);
        Change(resource).Keys[record.Name] = record.Value;
    }

    public void Clear(ConfigResource resource)
    {
        var change = Change(resource);
        change.Cleared = true;
        change.Keys.Clear();
    }

    public ConfigurationsImage Apply()
    {
        if (Changed.Count == 0)
        {
            return image;
        }

        var resources = image.Resources.ToBuilder();
        foreach (var (resource, change) in Changed)
        {
            var configs = change.Cleared ? ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal).ToBuilder() : image.For(resource).ToBuilder();
            foreach (var (name, value) in change.Keys)
            {
                if (value is null)
                {
                    configs.Remove(name);
                }
                else
                {
                    configs[name] = value;
                }
            }

            if (configs.Count == 0)
            {
                resources.Remove(resource);
            }
            else
            {
                resources[resource] = configs.ToImmutable();
            }
        }

        return new ConfigurationsImage(resources.ToImmutable());
    }

    private ResourceChange Change(ConfigResource resource)
    {
        if (!Changed.TryGetValue(resource, out var change))
        {
            change = new ResourceChange();
            Changed[resource] = change;
        }

        return change;
    }

    internal sealed class ResourceChange
    {
        public bool Cleared { get; set; }

        public Dictionary<string, string?> Keys { get; } = new(StringComparer.Ordinal);
    }
}
