using System.Net;
using Samsa.Broker.Network;

namespace Samsa.Broker.Configuration;

/// <summary>
/// The broker's configuration: every key of <see cref="BrokerConfigs"/> resolved from, in order of
/// precedence, dynamic per-broker changes, dynamic cluster-wide defaults, the static server.properties (with
/// --override), and the defaults. Reads are lock-free against an immutable snapshot that dynamic changes
/// replace atomically.
/// </summary>
public sealed class BrokerConfig
{
    private readonly IReadOnlyDictionary<string, string> _static;
    private readonly Lock _updateLock = new();
    private Dictionary<string, string> _dynamicDefault = new(StringComparer.Ordinal);
    private Dictionary<string, string> _dynamicBroker = new(StringComparer.Ordinal);
    private volatile ConfigSnapshot _snapshot;

    private BrokerConfig(IReadOnlyDictionary<string, string> staticValues, ConfigSnapshot snapshot)
    {
        _static = staticValues;
        _snapshot = snapshot;
    }

    /// <summary>Raised after <see cref="ApplyDynamic"/> has changed effective values (on the caller's thread).</summary>
    public event EventHandler<ConfigChangedEventArgs>? Changed;

    public int NodeId => _snapshot.Derived.NodeId;

    public IReadOnlyList<string> ProcessRoles => Get(BrokerConfigs.ProcessRoles);

    /// <summary>Where to listen (<c>listeners</c>), names upper-cased, each with its security protocol.</summary>
    public IReadOnlyList<ListenerEndpoint> Listeners => _snapshot.Derived.Listeners;

    /// <summary>What to tell clients (<c>advertised.listeners</c>, else <c>listeners</c> with wildcard hosts made concrete), controller listeners excluded.</summary>
    public IReadOnlyList<ListenerEndpoint> AdvertisedListeners => _snapshot.Derived.AdvertisedListeners;

    /// <summary><c>log.dirs</c>, else <c>log.dir</c>.</summary>
    public IReadOnlyList<string> LogDirs => Get(BrokerConfigs.LogDirs) ?? Get(BrokerConfigs.LogDir);

    /// <summary><c>log.retention.ms</c>, else <c>.minutes</c>, else <c>.hours</c>; -1 (any negative) means unlimited.</summary>
    public long LogRetentionMs
    {
        get
        {
            var ms = Get(BrokerConfigs.LogRetentionMs)
                ?? (Get(BrokerConfigs.LogRetentionMinutes) is int minutes ? minutes * 60_000L : Get(BrokerConfigs.LogRetentionHours) * 3_600_000L);
            return ms < 0 ? -1 : ms;
        }
    }

    /// <summary><c>log.roll.ms</c>, else <c>log.roll.hours</c>.</summary>
    public long LogRollMs => Get(BrokerConfigs.LogRollMs) ?? Get(BrokerConfigs.LogRollHours) * 3_600_000L;

    /// <summary><c>log.roll.jitter.ms</c>, else <c>log.roll.jitter.hours</c>.</summary>
    public long LogRollJitterMs => Get(BrokerConfigs.LogRollJitterMs) ?? Get(BrokerConfigs.LogRollJitterHours) * 3_600_000L;

    /// <summary><c>log.flush.interval.ms</c>, else <c>log.flush.scheduler.interval.ms</c>.</summary>
    public long LogFlushIntervalMs => Get(BrokerConfigs.LogFlushIntervalMs) ?? Get(BrokerConfigs.LogFlushSchedulerIntervalMs);

    /// <summary>The defaults alone (what <c>samsa server</c> runs with and no file).</summary>
    public static BrokerConfig CreateDefault() => Create([]);

    /// <summary>
    /// Builds the static configuration from properties (file entries, then overrides; the last value of a key
    /// wins). Unknown keys are reported in <paramref name="warnings"/> and ignored; an invalid value throws
    /// <see cref="ConfigException"/> naming the key, the value and what is allowed.
    /// </summary>
    public static BrokerConfig Create(IEnumerable<KeyValuePair<string, string>> properties, ICollection<string>? warnings = null)
    {
        var known = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in properties)
        {
            if (BrokerConfigs.Find(key) is null)
            {
                warnings?.Add($"Unknown configuration key '{key}' is ignored");
                continue;
            }

            known[key] = value;
        }

        return new BrokerConfig(known, ConfigSnapshot.Build(known, new Dictionary<string, string>(StringComparer.Ordinal), new Dictionary<string, string>(StringComparer.Ordinal)));
    }

    /// <summary>
    /// Reads <paramref name="propertiesPath"/> (if given) in Java properties syntax, applies <c>--override
    /// key=value</c> entries on top, and builds the configuration.
    /// </summary>
    public static BrokerConfig Load(string? propertiesPath, IEnumerable<string> overrides, ICollection<string>? warnings = null)
    {
        var properties = new List<KeyValuePair<string, string>>();
        if (propertiesPath is not null)
        {
            string text;
            try
            {
                text = File.ReadAllText(propertiesPath);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new ConfigException($"Cannot read the configuration file {propertiesPath}: {ex.Message}", ex);
            }

            properties.AddRange(JavaProperties.Parse(text));
        }

        foreach (var entry in overrides)
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new ConfigException($"--override expects key=value, got '{entry}'");
            }

            properties.Add(new(entry[..equals].Trim(), entry[(equals + 1)..]));
        }

        return Create(properties, warnings);
    }

    public T Get<T>(ConfigDefinition<T> key) => (T)_snapshot.Values[key.Name].Value!;

    /// <summary>The current value of a key (boxed; null when unset), or throws for an unknown key.</summary>
    public object? Get(string name) => _snapshot.Values.TryGetValue(name, out var v) ? v.Value : throw new KeyNotFoundException($"unknown configuration key {name}");

    public ConfigSource SourceOf(string name) => _snapshot.Values[name].Source;

    /// <summary>Every known config with its value, source and synonyms, in table order (what DescribeConfigs lists).</summary>
    public IReadOnlyList<ConfigEntry> Describe()
    {
        var snapshot = _snapshot;
        var entries = new List<ConfigEntry>(BrokerConfigs.All.Count);
        foreach (var definition in BrokerConfigs.All)
        {
            entries.Add(Describe(definition, snapshot));
        }

        return entries;
    }

    public ConfigEntry Describe(string name) =>
        Describe(BrokerConfigs.Find(name) ?? throw new KeyNotFoundException($"unknown configuration key {name}"), _snapshot);

    /// <summary>Options for the network server from <c>listeners</c> and the <c>socket.*</c> and connection keys.</summary>
    public NetworkServerOptions ToNetworkServerOptions()
    {
        var idle = Get(BrokerConfigs.ConnectionsMaxIdleMs);
        return new NetworkServerOptions
        {
            Listeners = Listeners,
            SocketRequestMaxBytes = Get(BrokerConfigs.SocketRequestMaxBytes),
            SocketSendBufferBytes = Get(BrokerConfigs.SocketSendBufferBytes),
            SocketReceiveBufferBytes = Get(BrokerConfigs.SocketReceiveBufferBytes),
            ListenBacklog = Get(BrokerConfigs.SocketListenBacklogSize),
            ConnectionsMaxIdle = idle < 0 ? TimeSpan.FromMilliseconds(-1) : TimeSpan.FromMilliseconds(idle),
            MaxConnections = Get(BrokerConfigs.MaxConnections),
            MaxConnectionsPerIp = Get(BrokerConfigs.MaxConnectionsPerIp),
        };
    }

    /// <summary>
    /// Applies a dynamic change (what AlterConfigs and IncrementalAlterConfigs on a broker resource do): each
    /// key maps to its new value, or null to remove the dynamic value at that level. All keys are validated
    /// first (read-only keys, per-broker keys at cluster level, values, and the whole resulting configuration);
    /// any failure throws <see cref="ConfigException"/> and changes nothing. Returns the keys whose effective
    /// value changed; with <paramref name="validateOnly"/> nothing is applied.
    /// </summary>
    public IReadOnlyList<string> ApplyDynamic(DynamicConfigScope scope, IReadOnlyDictionary<string, string?> changes, bool validateOnly = false)
    {
        List<string> changed;
        lock (_updateLock)
        {
            var layer = new Dictionary<string, string>(scope == DynamicConfigScope.ThisBroker ? _dynamicBroker : _dynamicDefault, StringComparer.Ordinal);
            foreach (var (key, value) in changes)
            {
                var definition = BrokerConfigs.Find(key) ?? throw new ConfigException($"Unknown configuration key {key}");
                if (!definition.IsDynamic)
                {
                    throw new ConfigException(key, value, "it is read-only: set it in server.properties and restart");
                }

                if (scope == DynamicConfigScope.ClusterDefault && definition.UpdateMode == ConfigUpdateMode.PerBroker)
                {
                    throw new ConfigException(key, value, "it can be changed per broker only, not as a cluster-wide default");
                }

                if (value is null)
                {
                    layer.Remove(key);
                }
                else
                {
                    definition.Parse(value);
                    layer[key] = value;
                }
            }

            var dynamicBroker = scope == DynamicConfigScope.ThisBroker ? layer : _dynamicBroker;
            var dynamicDefault = scope == DynamicConfigScope.ClusterDefault ? layer : _dynamicDefault;
            var next = ConfigSnapshot.Build(_static, dynamicDefault, dynamicBroker);
            changed = ChangedKeys(_snapshot, next);
            if (validateOnly)
            {
                return changed;
            }

            _dynamicBroker = dynamicBroker;
            _dynamicDefault = dynamicDefault;
            _snapshot = next;
        }

        if (changed.Count > 0)
        {
            Changed?.Invoke(this, new ConfigChangedEventArgs(changed));
        }

        return changed;
    }

    private static List<string> ChangedKeys(ConfigSnapshot before, ConfigSnapshot after)
    {
        var changed = new List<string>();
        foreach (var definition in BrokerConfigs.All)
        {
            if (!Equals(ConfigDefinition.Format(before.Values[definition.Name].Value), ConfigDefinition.Format(after.Values[definition.Name].Value)))
            {
                changed.Add(definition.Name);
            }
        }

        return changed;
    }

    private ConfigEntry Describe(ConfigDefinition definition, ConfigSnapshot snapshot)
    {
        var synonyms = new List<ConfigSynonym>(2);
        Dictionary<string, string> dynamicBroker, dynamicDefault;
        lock (_updateLock)
        {
            dynamicBroker = _dynamicBroker;
            dynamicDefault = _dynamicDefault;
        }

        AddSynonym(synonyms, definition, dynamicBroker, ConfigSource.DynamicBrokerConfig);
        AddSynonym(synonyms, definition, dynamicDefault, ConfigSource.DynamicDefaultBrokerConfig);
        AddSynonym(synonyms, definition, _static, ConfigSource.StaticBrokerConfig);
        if (definition.DefaultText is not null)
        {
            synonyms.Add(new ConfigSynonym(definition.Name, Show(definition, definition.DefaultValue), ConfigSource.DefaultConfig));
        }

        var resolved = snapshot.Values[definition.Name];
        return new ConfigEntry(definition, Show(definition, resolved.Value), resolved.Source, synonyms);
    }

    private static void AddSynonym(List<ConfigSynonym> synonyms, ConfigDefinition definition, IReadOnlyDictionary<string, string> layer, ConfigSource source)
    {
        if (layer.TryGetValue(definition.Name, out var raw))
        {
            synonyms.Add(new ConfigSynonym(definition.Name, Show(definition, definition.Parse(raw)), source));
        }
    }

    private static string? Show(ConfigDefinition definition, object? value) => definition.IsSensitive ? null : ConfigDefinition.Format(value);

    /// <summary>One consistent set of resolved values and the values derived from several keys.</summary>
    private sealed class ConfigSnapshot
    {
        private ConfigSnapshot(Dictionary<string, (object? Value, ConfigSource Source)> values)
        {
            Values = values;
            Derived = DerivedValues.Compute(this);
        }

        public Dictionary<string, (object? Value, ConfigSource Source)> Values { get; }

        public DerivedValues Derived { get; }

        public static ConfigSnapshot Build(IReadOnlyDictionary<string, string> staticValues, Dictionary<string, string> dynamicDefault, Dictionary<string, string> dynamicBroker)
        {
            var values = new Dictionary<string, (object?, ConfigSource)>(BrokerConfigs.All.Count, StringComparer.Ordinal);
            foreach (var definition in BrokerConfigs.All)
            {
                values[definition.Name] =
                    dynamicBroker.TryGetValue(definition.Name, out var raw) ? (definition.Parse(raw), ConfigSource.DynamicBrokerConfig)
                    : dynamicDefault.TryGetValue(definition.Name, out raw) ? (definition.Parse(raw), ConfigSource.DynamicDefaultBrokerConfig)
                    : staticValues.TryGetValue(definition.Name, out raw) ? (definition.Parse(raw), ConfigSource.StaticBrokerConfig)
                    : (definition.DefaultValue, ConfigSource.DefaultConfig);
            }

            return new ConfigSnapshot(values);
        }

        public T Get<T>(ConfigDefinition<T> key) => (T)Values[key.Name].Value!;

        public bool IsSet(ConfigDefinition key) => Values[key.Name].Source != ConfigSource.DefaultConfig;
    }

    /// <summary>Values that depend on several keys, checked together (Kafka validates the same relations at start-up).</summary>
    private sealed record DerivedValues(int NodeId, IReadOnlyList<ListenerEndpoint> Listeners, IReadOnlyList<ListenerEndpoint> AdvertisedListeners)
    {
        public static DerivedValues Compute(ConfigSnapshot c)
        {
            var nodeId = ResolveNodeId(c);
            var protocols = ListenerParser.ParseProtocolMap(c.Get(BrokerConfigs.ListenerSecurityProtocolMap));
            var listenersText = c.Get(BrokerConfigs.Listeners);
            var listeners = ListenerParser.Parse(BrokerConfigs.Listeners.Name, listenersText, protocols);
            if (listeners.Count == 0)
            {
                throw new ConfigException(BrokerConfigs.Listeners.Name, listenersText, "at least one NAME://host:port");
            }

            foreach (var listener in listeners)
            {
                if (listener.SecurityProtocol != "PLAINTEXT")
                {
                    throw new ConfigException(BrokerConfigs.Listeners.Name, listenersText,
                        $"listener {listener.Name} uses {listener.SecurityProtocol}; Samsa serves PLAINTEXT listeners only so far");
                }
            }

            var controllerNames = (c.Get(BrokerConfigs.ControllerListenerNames) ?? "")
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(n => n.ToUpperInvariant())
                .ToHashSet(StringComparer.Ordinal);
            CheckInterBrokerListener(c, listeners);
            CheckGroupTimeouts(c);
            return new DerivedValues(nodeId, listeners, Advertised(c, listeners, protocols, controllerNames));
        }

        private static int ResolveNodeId(ConfigSnapshot c)
        {
            var nodeId = c.Get(BrokerConfigs.NodeId);
            var brokerId = c.Get(BrokerConfigs.BrokerId);
            if (c.IsSet(BrokerConfigs.BrokerId) && brokerId >= 0)
            {
                if (c.IsSet(BrokerConfigs.NodeId) && nodeId != brokerId)
                {
                    throw new ConfigException($"Invalid configuration: broker.id ({brokerId}) and node.id ({nodeId}) must be equal; set only node.id");
                }

                nodeId = brokerId;
            }

            return nodeId >= 0 ? nodeId : throw new ConfigException(BrokerConfigs.NodeId.Name, nodeId.ToString(System.Globalization.CultureInfo.InvariantCulture), "a non-negative integer");
        }

        private static List<ListenerEndpoint> Advertised(ConfigSnapshot c, IReadOnlyList<ListenerEndpoint> listeners, Dictionary<string, string> protocols, HashSet<string> controllerNames)
        {
            var text = c.Get(BrokerConfigs.AdvertisedListeners);
            var source = text is null ? listeners : ListenerParser.Parse(BrokerConfigs.AdvertisedListeners.Name, text, protocols);
            var result = new List<ListenerEndpoint>();
            foreach (var endpoint in source)
            {
                if (controllerNames.Contains(endpoint.Name))
                {
                    continue;
                }

                if (text is not null)
                {
                    if (!listeners.Any(l => l.Name == endpoint.Name))
                    {
                        throw new ConfigException(BrokerConfigs.AdvertisedListeners.Name, text, $"listener {endpoint.Name} is not in listeners");
                    }

                    if (endpoint.Host is "0.0.0.0" or "::")
                    {
                        throw new ConfigException(BrokerConfigs.AdvertisedListeners.Name, text, $"{endpoint.Host} cannot be advertised: clients need a routable host");
                    }
                }

                result.Add(endpoint.IsWildcardHost ? endpoint with { Host = Dns.GetHostName() } : endpoint);
            }

            return result;
        }

        private static void CheckInterBrokerListener(ConfigSnapshot c, IReadOnlyList<ListenerEndpoint> listeners)
        {
            var name = c.Get(BrokerConfigs.InterBrokerListenerName);
            if (name is null)
            {
                return;
            }

            if (c.IsSet(BrokerConfigs.SecurityInterBrokerProtocol))
            {
                throw new ConfigException("Invalid configuration: set only one of inter.broker.listener.name and security.inter.broker.protocol");
            }

            if (!listeners.Any(l => string.Equals(l.Name, name, StringComparison.OrdinalIgnoreCase)))
            {
                throw new ConfigException(BrokerConfigs.InterBrokerListenerName.Name, name, "the name of a listener in listeners");
            }
        }

        private static void CheckGroupTimeouts(ConfigSnapshot c)
        {
            Require(c, BrokerConfigs.GroupConsumerMinHeartbeatIntervalMs, BrokerConfigs.GroupConsumerMaxHeartbeatIntervalMs);
            Require(c, BrokerConfigs.GroupConsumerMinHeartbeatIntervalMs, BrokerConfigs.GroupConsumerHeartbeatIntervalMs);
            Require(c, BrokerConfigs.GroupConsumerHeartbeatIntervalMs, BrokerConfigs.GroupConsumerMaxHeartbeatIntervalMs);
            Require(c, BrokerConfigs.GroupConsumerMinSessionTimeoutMs, BrokerConfigs.GroupConsumerMaxSessionTimeoutMs);
            Require(c, BrokerConfigs.GroupConsumerMinSessionTimeoutMs, BrokerConfigs.GroupConsumerSessionTimeoutMs);
            Require(c, BrokerConfigs.GroupConsumerSessionTimeoutMs, BrokerConfigs.GroupConsumerMaxSessionTimeoutMs);
            Require(c, BrokerConfigs.GroupMinSessionTimeoutMs, BrokerConfigs.GroupMaxSessionTimeoutMs);
            if (c.Get(BrokerConfigs.GroupConsumerHeartbeatIntervalMs) >= c.Get(BrokerConfigs.GroupConsumerSessionTimeoutMs))
            {
                throw new ConfigException($"Invalid configuration: {BrokerConfigs.GroupConsumerHeartbeatIntervalMs.Name} ({c.Get(BrokerConfigs.GroupConsumerHeartbeatIntervalMs)}) must be less than {BrokerConfigs.GroupConsumerSessionTimeoutMs.Name} ({c.Get(BrokerConfigs.GroupConsumerSessionTimeoutMs)})");
            }
        }

        private static void Require(ConfigSnapshot c, ConfigDefinition<int> lower, ConfigDefinition<int> upper)
        {
            if (c.Get(lower) > c.Get(upper))
            {
                throw new ConfigException($"Invalid configuration: {upper.Name} ({c.Get(upper)}) must be at least {lower.Name} ({c.Get(lower)})");
            }
        }
    }
}
