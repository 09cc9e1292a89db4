using System.Globalization;
using Samsa.Broker.Configuration;
using Samsa.Broker.Metadata;
using Samsa.Metadata.Controller;
using Samsa.Metadata.Image;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;
using Entry = Samsa.Protocol.Messages.DescribeConfigsResponse.DescribeConfigsResourceResult;

namespace Samsa.Broker.Handlers;

/// <summary>What DescribeConfigs shows of one resource: this broker's configs, the cluster-wide dynamic defaults, or a topic's.</summary>
internal sealed class ConfigDescriptions(BrokerServices services, short version, bool includeSynonyms, bool includeDocumentation)
{
    public DescribeConfigsResponse.DescribeConfigsResult Describe(MetadataImage image, DescribeConfigsRequest.DescribeConfigsResource resource)
    {
        var result = new DescribeConfigsResponse.DescribeConfigsResult { ResourceType = resource.ResourceType, ResourceName = resource.ResourceName };
        var wanted = resource.ConfigurationKeys is { } keys ? new HashSet<string>(keys, StringComparer.Ordinal) : null;
        var (error, message) = (ConfigResourceType)resource.ResourceType switch
        {
            ConfigResourceType.Topic => Topic(image, resource.ResourceName, wanted, result.Configs),
            ConfigResourceType.Broker => Broker(resource.ResourceName, wanted, result.Configs),
            _ => (ErrorCode.InvalidRequest, $"Unsupported resource type {resource.ResourceType} for describing configs"),
        };
        if (error != ErrorCode.None)
        {
            result.Configs.Clear();
            result.ErrorCode = (short)error;
            result.ErrorMessage = message;
        }

        return result;
    }

    private (ErrorCode, string?) Topic(MetadataImage image, string name, HashSet<string>? wanted, List<Entry> entries)
    {
        if (TopicNames.Validate(name) is { } invalid)
        {
            return (ErrorCode.InvalidTopicException, invalid);
        }

        if (image.Topics.Get(name) is null)
        {
            return (ErrorCode.UnknownTopicOrPartition, $"The topic '{name}' does not exist.");
        }

        var overrides = image.Configs.ForTopic(name);
        var resolver = services.TopicConfigs;
        foreach (var entry in resolver.Describe(overrides))
        {
            if (wanted is null || wanted.Contains(entry.Name))
            {
                var definition = TopicConfigs.Find(entry.Name)!;
                var synonymNames = TopicConfigResolver.BrokerSynonyms(definition);
                var documentation = synonymNames.Count > 0 ? $"The topic's value of {synonymNames[0]}: {BrokerConfigs.Find(synonymNames[0])!.Documentation}" : null;
                entries.Add(Entry(entry.Name, entry.Value, entry.Source, false, false, (sbyte)entry.Type, documentation, () => resolver.Synonyms(definition, overrides)));
            }
        }

        return (ErrorCode.None, null);
    }

    private (ErrorCode, string?) Broker(string name, HashSet<string>? wanted, List<Entry> entries)
    {
        var clusterDefault = name.Length == 0;
        if (!clusterDefault)
        {
            if (!int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                return (ErrorCode.InvalidRequest, $"Broker id must be an integer, but it is: {name}");
            }

            if (id != services.NodeId)
            {
                return (ErrorCode.InvalidRequest, $"Unexpected broker id, expected {services.NodeId} or empty string, but received {name}");
            }
        }

        foreach (var entry in services.Config.Describe())
        {
            if (wanted is not null && !wanted.Contains(entry.Name))
            {
                continue;
            }

            if (!clusterDefault)
            {
                entries.Add(Entry(entry.Name, entry.Value, entry.Source, entry.IsReadOnly, entry.IsSensitive, (sbyte)entry.Definition.Type, entry.Definition.Documentation, () => entry.Synonyms));
            }
            else if (entry.Synonyms.FirstOrDefault(s => s.Source == ConfigSource.DynamicDefaultBrokerConfig) is { } dynamicDefault)
            {
                // The cluster-wide resource shows only what is set at that level, with the levels below it as synonyms.
                var below = entry.Synonyms.Where(s => s.Source >= ConfigSource.DynamicDefaultBrokerConfig).ToList();
                entries.Add(Entry(entry.Name, dynamicDefault.Value, dynamicDefault.Source, entry.IsReadOnly, entry.IsSensitive, (sbyte)entry.Definition.Type, entry.Definition.Documentation, () => below));
            }
        }

        return (ErrorCode.None, null);
    }

    private Entry Entry(string name, string? value, ConfigSource source, bool readOnly, bool sensitive, sbyte type, string? documentation, Func<IReadOnlyList<ConfigSynonym>> synonyms)
    {
        var entry = new Entry
        {
            Name = name,
            Value = sensitive ? null : value,
            ReadOnly = readOnly,
            ConfigSource = (sbyte)source,
            IsSensitive = sensitive,
        };
        if (includeSynonyms)
        {
            entry.Synonyms = [.. synonyms().Select(s => new DescribeConfigsResponse.DescribeConfigsSynonym { Name = s.Name, Value = sensitive ? null : s.Value, Source = (sbyte)s.Source })];
        }

        if (version >= 3)
        {
            entry.ConfigType = type;
            entry.Documentation = includeDocumentation ? documentation : null;
        }

        return entry;
    }
}
