using System.Collections.Frozen;
using System.Globalization;
using Samsa.Metadata.Image;
using Samsa.Storage;

namespace Samsa.Metadata.Controller;

/// <summary>A config value's type, numbered as DescribeConfigs' <c>config_type</c>.</summary>
public enum ConfigValueType : sbyte
{
    Boolean = 1,
    String = 2,
    Int = 3,
    Short = 4,
    Long = 5,
    Double = 6,
    List = 7,
    Class = 8,
    Password = 9,
}

/// <summary>
/// One topic config: Kafka's name, its type, the broker config that gives its default (its synonym in
/// DescribeConfigs), and the default to use when there is no such broker config.
/// </summary>
public sealed record TopicConfigDefinition(string Name, ConfigValueType Type, string? BrokerSynonym, string DefaultValue);

/// <summary>The topic configs Kafka 4 knows, and their validation (storage's through <see cref="LogConfig"/>, the others here).</summary>
public static class TopicConfigs
{
    private static readonly string[] CompressionTypes = ["uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"];

    /// <summary>Every topic config, in name order.</summary>
    public static IReadOnlyList<TopicConfigDefinition> All { get; } =
    [
        new("cleanup.policy", ConfigValueType.List, "log.cleanup.policy", "delete"),
        new("compression.gzip.level", ConfigValueType.Int, "compression.gzip.level", "-1"),
        new("compression.lz4.level", ConfigValueType.Int, "compression.lz4.level", "9"),
        new("compression.type", ConfigValueType.String, "compression.type", "producer"),
        new("compression.zstd.level", ConfigValueType.Int, "compression.zstd.level", "3"),
        new("delete.retention.ms", ConfigValueType.Long, "log.cleaner.delete.retention.ms", "86400000"),
        new("file.delete.delay.ms", ConfigValueType.Long, "log.segment.delete.delay.ms", "60000"),
        new("flush.messages", ConfigValueType.Long, "log.flush.interval.messages", "9223372036854775807"),
        new("flush.ms", ConfigValueType.Long, "log.flush.interval.ms", "9223372036854775807"),
        new("follower.replication.throttled.replicas", ConfigValueType.List, null, ""),
        new("index.interval.bytes", ConfigValueType.Int, "log.index.interval.bytes", "4096"),
        new("leader.replication.throttled.replicas", ConfigValueType.List, null, ""),
        new("local.retention.bytes", ConfigValueType.Long, null, "-2"),
        new("local.retention.ms", ConfigValueType.Long, null, "-2"),
        new("max.compaction.lag.ms", ConfigValueType.Long, "log.cleaner.max.compaction.lag.ms", "9223372036854775807"),
        new("max.message.bytes", ConfigValueType.Int, "message.max.bytes", "1048588"),
        new("message.timestamp.after.max.ms", ConfigValueType.Long, "log.message.timestamp.after.max.ms", "3600000"),
        new("message.timestamp.before.max.ms", ConfigValueType.Long, "log.message.timestamp.before.max.ms", "9223372036854775807"),
        new("message.timestamp.type", ConfigValueType.String, "log.message.timestamp.type", "CreateTime"),
        new("min.cleanable.dirty.ratio", ConfigValueType.Double, "log.cleaner.min.cleanable.ratio", "0.5"),
        new("min.compaction.lag.ms", ConfigValueType.Long, "log.cleaner.min.compaction.lag.ms", "0"),
        new("min.insync.replicas", ConfigValueType.Int, "min.insync.replicas", "1"),
        new("preallocate", ConfigValueType.Boolean, "log.preallocate", "false"),
        new("remote.log.copy.disable", ConfigValueType.Boolean, null, "false"),
        new("remote.log.delete.on.disable", ConfigValueType.Boolean, null, "false"),
        new("remote.storage.enable", ConfigValueType.Boolean, null, "false"),
        new("retention.bytes", ConfigValueType.Long, "log.retention.bytes", "-1"),
        new("retention.ms", ConfigValueType.Long, "log.retention.ms", "604800000"),
        new("segment.bytes", ConfigValueType.Int, "log.segment.bytes", "1073741824"),
        new("segment.index.bytes", ConfigValueType.Int, "log.index.size.max.bytes", "10485760"),
        new("segment.jitter.ms", ConfigValueType.Long, "log.roll.jitter.ms", "0"),
        new("segment.ms", ConfigValueType.Long, "log.roll.ms", "604800000"),
        new("unclean.leader.election.enable", ConfigValueType.Boolean, "unclean.leader.election.enable", "false"),
    ];

    private static readonly FrozenDictionary<string, TopicConfigDefinition> ByName = All.ToFrozenDictionary(d => d.Name, StringComparer.Ordinal);

    public static TopicConfigDefinition? Find(string name) => ByName.GetValueOrDefault(name);

    /// <summary>Kafka's INVALID_CONFIG message for a topic's whole override set, or null when every value is valid.</summary>
    public static string? Validate(IReadOnlyDictionary<string, string> overrides)
    {
        foreach (var (name, value) in overrides)
        {
            var definition = Find(name);
            if (definition is null)
            {
                return $"Unknown topic config name: {name}";
            }

            var error = ValidateValue(definition, value.Trim());
            if (error is not null)
            {
                return $"Invalid value {value} for configuration {name}: {error}";
            }
        }

        try
        {
            _ = LogConfig.Parse(overrides);
        }
        catch (LogConfigException e)
        {
            return e.Message;
        }

        return null;
    }

    private static string? ValidateValue(TopicConfigDefinition definition, string value)
    {
        var c = CultureInfo.InvariantCulture;
        switch (definition.Type)
        {
            case ConfigValueType.Boolean when !bool.TryParse(value, out _):
                return "Expected value to be either true or false";
            case ConfigValueType.Int when !int.TryParse(value, NumberStyles.AllowLeadingSign, c, out _):
                return "Not a number of type INT";
            case ConfigValueType.Long when !long.TryParse(value, NumberStyles.AllowLeadingSign, c, out _):
                return "Not a number of type LONG";
            case ConfigValueType.Double when !double.TryParse(value, NumberStyles.Float, c, out _):
                return "Not a number of type DOUBLE";
        }

        return definition.Name switch
        {
            "compression.type" when !CompressionTypes.Contains(value, StringComparer.Ordinal) => $"String must be one of: {string.Join(", ", CompressionTypes)}",
            "compression.gzip.level" when int.Parse(value, c) is not (-1 or (>= 1 and <= 9)) => "Value must be between 1 and 9, or -1",
            "compression.lz4.level" when int.Parse(value, c) is < 1 or > 17 => "Value must be between 1 and 17",
            "compression.zstd.level" when int.Parse(value, c) is < -131072 or > 22 => "Value must be between -131072 and 22",
            "min.insync.replicas" when int.Parse(value, c) < 1 => "Value must be at least 1",
            "local.retention.ms" or "local.retention.bytes" when long.Parse(value, c) < -2 => "Value must be at least -2",
            _ => null,
        };
    }
}

/// <summary>Validates config changes for the controller: the effective overrides of a resource after a change.</summary>
public interface IConfigSchema
{
    /// <summary>The type of a config key of a resource type; null for a key the schema does not know.</summary>
    ConfigValueType? TypeOf(ConfigResourceType type, string name);

    /// <summary>INVALID_CONFIG's message for a resource's overrides after a change, or null when they are valid.</summary>
    string? Validate(ConfigResource resource, IReadOnlyDictionary<string, string> overrides);
}

/// <summary>
/// Topic configs as Kafka 4 validates them; broker configs accepted as strings. The broker replaces it with a
/// schema that knows its own config table.
/// </summary>
public sealed class DefaultConfigSchema : IConfigSchema
{
    public static readonly DefaultConfigSchema Instance = new();

    public ConfigValueType? TypeOf(ConfigResourceType type, string name) =>
        type == ConfigResourceType.Topic ? TopicConfigs.Find(name)?.Type : ConfigValueType.String;

    public string? Validate(ConfigResource resource, IReadOnlyDictionary<string, string> overrides) =>
        resource.Type == ConfigResourceType.Topic ? TopicConfigs.Validate(overrides) : null;
}
