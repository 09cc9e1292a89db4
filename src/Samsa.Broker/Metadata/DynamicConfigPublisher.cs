using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Samsa.Broker.Configuration;
using Samsa.Broker.Partitions;
using Samsa.Metadata.Image;
using Samsa.Metadata.Loader;

namespace Samsa.Broker.Metadata;

/// <summary>
/// Applies dynamic broker configs from the metadata log to this broker's <see cref="BrokerConfig"/>: the cluster-wide
/// default (the broker resource with an empty name) and this node's own; then the topics re-read their configs, whose
/// defaults may have changed.
/// </summary>
public sealed class DynamicConfigPublisher : IMetadataPublisher
{
    private readonly BrokerConfig _config;
    private readonly ReplicaManager _replicas;
    private readonly ILogger _logger;
    private readonly Dictionary<ConfigResource, IReadOnlyDictionary<string, string>> _applied = [];

    public DynamicConfigPublisher(BrokerConfig config, ReplicaManager replicas, ILoggerFactory? loggerFactory = null)
    {
        _config = config;
        _replicas = replicas;
        _logger = loggerFactory?.CreateLogger<DynamicConfigPublisher>() ?? (ILogger)NullLogger.Instance;
    }

    public string Name => nameof(DynamicConfigPublisher);

    public void OnMetadataUpdate(MetadataDelta delta, MetadataImage image)
    {
        var own = ConfigResource.Broker(_config.NodeId);
        var changed = false;
        foreach (var resource in delta.ChangedConfigResources)
        {
            if (resource.Type != ConfigResourceType.Broker || (!resource.IsClusterDefault && resource != own))
            {
                continue;
            }

            var scope = resource.IsClusterDefault ? DynamicConfigScope.ClusterDefault : DynamicConfigScope.ThisBroker;
            var current = image.Configs.For(resource);
            var previous = _applied.GetValueOrDefault(resource) ?? new Dictionary<string, string>();
            var changes = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var (key, value) in current)
            {
                if (BrokerConfigs.Find(key) is not null && (!previous.TryGetValue(key, out var old) || old != value))
                {
                    changes[key] = value;
                }
            }

            foreach (var key in previous.Keys)
            {
                if (!current.ContainsKey(key))
                {
                    changes[key] = null;
                }
            }

            try
            {
                if (changes.Count > 0)
                {
                    _config.ApplyDynamic(scope, changes);
                    changed = true;
                }

                _applied[resource] = current;
            }
            catch (ConfigException e)
            {
                BrokerLog.DynamicConfigFailed(_logger, e);
            }
        }

        if (changed)
        {
            _replicas.RefreshTopicConfigs();
        }
    }

    /// <summary>For messages: the node id as a resource name.</summary>
    public override string ToString() => $"{Name}({_config.NodeId.ToString(CultureInfo.InvariantCulture)})";
}
