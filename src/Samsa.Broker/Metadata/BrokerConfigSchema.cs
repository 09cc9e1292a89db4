using Samsa.Broker.Configuration;
using Samsa.Metadata.Controller;
using Samsa.Metadata.Image;

namespace Samsa.Broker.Metadata;

/// <summary>
/// The controller's config validation with this broker's config table: topic configs as Kafka validates them,
/// broker configs against <see cref="BrokerConfigs"/> (known key, dynamic, valid value).
/// </summary>
public sealed class BrokerConfigSchema : IConfigSchema
{
    public static readonly BrokerConfigSchema Instance = new();

    public ConfigValueType? TypeOf(ConfigResourceType type, string name) => type switch
    {
        ConfigResourceType.Topic => TopicConfigs.Find(name)?.Type,
        ConfigResourceType.Broker => BrokerConfigs.Find(name) is { } definition ? (ConfigValueType)(sbyte)definition.Type : null,
        _ => null,
    };

    public string? Validate(ConfigResource resource, IReadOnlyDictionary<string, string> overrides)
    {
        if (resource.Type == ConfigResourceType.Topic)
        {
            return TopicConfigs.Validate(overrides);
        }

        foreach (var (name, value) in overrides)
        {
            var definition = BrokerConfigs.Find(name);
            if (definition is null)
            {
                return $"Unknown broker config name: {name}";
            }

            if (!definition.IsDynamic)
            {
                return $"Cannot update these configs dynamically: [{name}]";
            }

            if (resource.IsClusterDefault && definition.UpdateMode == ConfigUpdateMode.PerBroker)
            {
                return $"Cannot update these configs at default cluster level, broker level updates are allowed: [{name}]";
            }

            try
            {
                definition.Parse(value);
            }
            catch (ConfigException e)
            {
                return e.Message;
            }
        }

        return null;
    }
}
