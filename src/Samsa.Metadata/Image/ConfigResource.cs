namespace Samsa.Metadata.Image;

/// <summary>The kind of resource a config belongs to, numbered as Kafka's <c>ConfigResource.Type</c> (the byte in ConfigRecord and the config APIs).</summary>
public enum ConfigResourceType : sbyte
{
    Unknown = 0,
    Topic = 2,
    Broker = 4,
    BrokerLogger = 8,
    ClientMetrics = 16,
    Group = 32,
}

/// <summary>
/// A resource that has configs: a topic by name, a broker by id (as a decimal string), or the cluster-wide broker
/// default (a broker resource with an empty name).
/// </summary>
public readonly record struct ConfigResource(ConfigResourceType Type, string Name)
{
    public static ConfigResource Topic(string name) => new(ConfigResourceType.Topic, name);

    public static ConfigResource Broker(int id) => new(ConfigResourceType.Broker, id.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The broker resource with an empty name: the default of every broker.</summary>
    public static ConfigResource ClusterDefault => new(ConfigResourceType.Broker, string.Empty);

    public bool IsClusterDefault => Type == ConfigResourceType.Broker && Name.Length == 0;

    public override string ToString() => $"{Type}:{(Name.Length == 0 ? "<default>" : Name)}";
}
