namespace Samsa.Broker.Configuration;

/// <summary>A config's value type. Numbered as DescribeConfigs' <c>config_type</c> field.</summary>
public enum ConfigType : sbyte
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

/// <summary>Whether and where a broker config can change without a restart, as Kafka documents it.</summary>
public enum ConfigUpdateMode
{
    /// <summary>Only in server.properties or --override; takes effect on restart.</summary>
    ReadOnly,

    /// <summary>Can be changed at runtime for one broker.</summary>
    PerBroker,

    /// <summary>Can be changed at runtime for one broker or as the cluster-wide default.</summary>
    ClusterWide,
}

/// <summary>Where a config's current value comes from. Numbered as DescribeConfigs' <c>config_source</c> field.</summary>
public enum ConfigSource : sbyte
{
    Unknown = 0,
    DynamicTopicConfig = 1,
    DynamicBrokerConfig = 2,
    DynamicDefaultBrokerConfig = 3,
    StaticBrokerConfig = 4,
    DefaultConfig = 5,
}

/// <summary>The level a dynamic change applies to (AlterConfigs on a broker resource).</summary>
public enum DynamicConfigScope
{
    /// <summary>The resource name is this broker's id.</summary>
    ThisBroker,

    /// <summary>The resource name is empty: the default for every broker.</summary>
    ClusterDefault,
}
