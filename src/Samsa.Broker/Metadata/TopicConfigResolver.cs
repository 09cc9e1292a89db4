using System.Globalization;
using Samsa.Broker.Configuration;
using Samsa.Metadata.Controller;
using Samsa.Metadata.Image;
using Samsa.Storage;

namespace Samsa.Broker.Metadata;

/// <summary>A topic config's effective value and where it comes from, as DescribeConfigs and CreateTopics report it.</summary>
public sealed record TopicConfigEntry(string Name, string? Value, ConfigSource Source, bool IsReadOnly, bool IsSensitive, ConfigValueType Type);

/// <summary>
/// Topic configs resolved as Kafka resolves them: the topic's own override (from the metadata image), else the
/// broker config that is its synonym (<c>retention.ms</c> from <c>log.retention.ms</c>/<c>.minutes</c>/<c>.hours</c>,
/// <c>max.message.bytes</c> from <c>message.max.bytes</c>, ...), else Kafka's default.
/// </summary>
public sealed class TopicConfigResolver
{
    private readonly BrokerConfig _config;
    private volatile LogConfig? _default;

    public TopicConfigResolver(BrokerConfig config)
    {
        _config = config;
        config.Changed += (_, _) => _default = null;
    }

    /// <summary>The broker's topic defaults (what a topic without overrides runs with), recomputed after a dynamic broker config change.</summary>
    public LogConfig DefaultLogConfig() => _default ??= LogConfig.Parse(BrokerDefaults());

    /// <summary>The effective LogConfig of a topic with the given overrides; invalid overrides fall back to the defaults key by key.</summary>
    public LogConfig LogConfigFor(IReadOnlyDictionary<string, string> overrides)
    {
        var defaults = DefaultLogConfig();
        try
        {
            return defaults.WithOverrides(overrides);
        }
        catch (LogConfigException)
        {
            var config = defaults;
            foreach (var entry in overrides)
            {
                try
                {
                    config = config.WithOverrides([entry]);
                }
                catch (LogConfigException)
                {
                    // The controller validated these; a value that no longer parses keeps the default.
                }
            }

            return config;
        }
    }

    public LogConfig LogConfigFor(MetadataImage image, string topic) => LogConfigFor(image.Configs.ForTopic(topic));

    /// <summary>Every topic config with its effective value and source, in name order.</summary>
    public IReadOnlyList<TopicConfigEntry> Describe(IReadOnlyDictionary<string, string> overrides)
    {
        var entries = new List<TopicConfigEntry>(TopicConfigs.All.Count);
        foreach (var definition in TopicConfigs.All)
        {
            if (overrides.TryGetValue(definition.Name, out var value))
            {
                entries.Add(new TopicConfigEntry(definition.Name, value, ConfigSource.DynamicTopicConfig, false, false, definition.Type));
                continue;
            }

            var (brokerValue, source) = BrokerValue(definition);
            entries.Add(new TopicConfigEntry(definition.Name, brokerValue ?? definition.DefaultValue, source, false, false, definition.Type));
        }

        return entries;
    }

    /// <summary>
    /// The broker keys a topic config's default comes from, most specific first (Kafka's synonyms:
    /// <c>retention.ms</c> from <c>log.retention.ms</c>, <c>.minutes</c>, <c>.hours</c>); empty when none.
    /// </summary>
    public static IReadOnlyList<string> BrokerSynonyms(TopicConfigDefinition definition) => definition.Name switch
    {
        "retention.ms" => ["log.retention.ms", "log.retention.minutes", "log.retention.hours"],
        "segment.ms" => ["log.roll.ms", "log.roll.hours"],
        "segment.jitter.ms" => ["log.roll.jitter.ms", "log.roll.jitter.hours"],
        "flush.ms" => ["log.flush.interval.ms", "log.flush.scheduler.interval.ms"],
        _ when definition.BrokerSynonym is { } synonym && BrokerConfigs.Find(synonym) is not null => [synonym],
        _ => [],
    };

    /// <summary>
    /// The levels that set a topic config, highest precedence first, as DescribeConfigs lists them: the topic's
    /// override, then each broker synonym level by level (dynamic per-broker, dynamic default, static, default).
    /// </summary>
    public IReadOnlyList<ConfigSynonym> Synonyms(TopicConfigDefinition definition, IReadOnlyDictionary<string, string> overrides)
    {
        var synonyms = new List<ConfigSynonym>();
        if (overrides.TryGetValue(definition.Name, out var value))
        {
            synonyms.Add(new ConfigSynonym(definition.Name, value, ConfigSource.DynamicTopicConfig));
        }

        var brokerLevels = BrokerSynonyms(definition).SelectMany(name => _config.Describe(name).Synonyms);
        synonyms.AddRange(brokerLevels.OrderBy(s => s.Source));
        return synonyms;
    }

    /// <summary>The topic configs that come from broker configs, under the topic names.</summary>
    private Dictionary<string, string> BrokerDefaults()
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var definition in TopicConfigs.All)
        {
            var (value, _) = BrokerValue(definition);
            if (value is not null)
            {
                values[definition.Name] = value;
            }
        }

        return values;
    }

    private (string? Value, ConfigSource Source) BrokerValue(TopicConfigDefinition definition)
    {
        var c = CultureInfo.InvariantCulture;
        switch (definition.Name)
        {
            // Derived from several broker keys (ms, else minutes, else hours), as Kafka derives them.
            case "retention.ms":
                return (_config.LogRetentionMs.ToString(c), Source("log.retention.ms", "log.retention.minutes", "log.retention.hours"));
            case "segment.ms":
                return (_config.LogRollMs.ToString(c), Source("log.roll.ms", "log.roll.hours"));
            case "segment.jitter.ms":
                return (_config.LogRollJitterMs.ToString(c), Source("log.roll.jitter.ms", "log.roll.jitter.hours"));
            case "flush.ms":
                return (_config.LogFlushIntervalMs.ToString(c), Source("log.flush.interval.ms", "log.flush.scheduler.interval.ms"));
        }

        if (definition.BrokerSynonym is null || BrokerConfigs.Find(definition.BrokerSynonym) is null)
        {
            return (null, ConfigSource.DefaultConfig);
        }

        return (ConfigDefinition.Format(_config.Get(definition.BrokerSynonym)), _config.SourceOf(definition.BrokerSynonym));
    }

    /// <summary>The most specific source among the broker keys a derived value is read from.</summary>
    private ConfigSource Source(params string[] keys)
    {
        var best = ConfigSource.DefaultConfig;
        foreach (var key in keys)
        {
            var source = _config.SourceOf(key);
            if (source < best)
            {
                best = source;
            }
        }

        return best;
    }
}
