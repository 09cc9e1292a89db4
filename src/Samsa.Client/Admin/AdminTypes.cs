using Samsa.Client.Errors;
using Samsa.Client.Metadata;
using Samsa.Client.Network;
using Samsa.Protocol.Primitives;

namespace Samsa.Client.Admin;

/// <summary>A result of one item of a batched admin call: <see cref="Error"/> is null when that item succeeded.</summary>
public interface IAdminResult
{
    KafkaBrokerException? Error { get; }
}

public static class AdminResultExtensions
{
    /// <summary>Throws the error of the first failed item (all of them, in an <see cref="AggregateException"/>, when several failed).</summary>
    public static IReadOnlyList<T> ThrowIfAnyFailed<T>(this IReadOnlyList<T> results)
        where T : IAdminResult
    {
        var errors = results.Where(r => r.Error is not null).Select(r => (Exception)r.Error!).ToList();
        if (errors.Count == 1)
        {
            throw errors[0];
        }

        if (errors.Count > 1)
        {
            throw new AggregateException($"{errors.Count} of {results.Count} items failed", errors);
        }

        return results;
    }
}

/// <summary>A topic to create. <see cref="NumPartitions"/> and <see cref="ReplicationFactor"/> -1 take the broker's defaults (KIP-464).</summary>
public sealed record NewTopic(string Name, int NumPartitions = -1, short ReplicationFactor = -1)
{
    /// <summary>Topic configs to set (cleanup.policy, retention.ms, ...).</summary>
    public IReadOnlyDictionary<string, string?> Configs { get; init; } = new Dictionary<string, string?>();

    /// <summary>Explicit replica assignment by partition (then partitions and replication factor stay -1).</summary>
    public IReadOnlyDictionary<int, IReadOnlyList<int>>? ReplicaAssignment { get; init; }
}

/// <summary>A topic's new partition count, with the replicas of each added partition (null: the controller places them).</summary>
public sealed record NewPartitions(int TotalCount, IReadOnlyList<IReadOnlyList<int>>? Assignments = null);

/// <summary>What the broker said about one topic of a create, delete or create-partitions call.</summary>
public sealed record TopicResult(string Name, KafkaBrokerException? Error) : IAdminResult
{
    public Uuid TopicId { get; init; }

    /// <summary>For creates (v5+): the partitions and replication factor the topic got (-1 when not told).</summary>
    public int NumPartitions { get; init; } = -1;

    public short ReplicationFactor { get; init; } = -1;
}

/// <summary>A topic with its partitions, leaders, replicas and in-sync replicas.</summary>
public sealed record TopicDescription(string Name, Uuid TopicId, bool IsInternal, IReadOnlyList<PartitionMetadata> Partitions, KafkaBrokerException? Error) : IAdminResult
{
    /// <summary>The replication factor: the replica count of partition 0 (what Kafka's tools print).</summary>
    public int ReplicationFactor => Partitions.Count > 0 ? Partitions[0].Replicas.Count : 0;
}

/// <summary>The cluster: its id, controller, brokers, and the API versions of the broker that answered.</summary>
public sealed record ClusterDescription(string? ClusterId, int ControllerId, IReadOnlyList<BrokerNode> Brokers, BrokerApiVersions ApiVersions, string AnsweredBy);

/// <summary>Kinds of config resources, numbered as in the protocol.</summary>
public enum ConfigResourceType : sbyte
{
    Unknown = 0,
    Topic = 2,
    Broker = 4,
    BrokerLogger = 8,
    ClientMetrics = 16,
    Group = 32,
}

/// <summary>A config resource: a topic by name, a broker by id ("" for the cluster-wide broker defaults), a group.</summary>
public readonly record struct ConfigResource(ConfigResourceType Type, string Name)
{
    public static ConfigResource Topic(string name) => new(ConfigResourceType.Topic, name);

    public static ConfigResource Broker(int id) => new(ConfigResourceType.Broker, id.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The dynamic defaults every broker inherits.</summary>
    public static ConfigResource BrokerDefaults => new(ConfigResourceType.Broker, string.Empty);

    public override string ToString() => $"{Type.ToString().ToUpperInvariant()} {Name}";
}

/// <summary>Where a config value comes from, numbered as in DescribeConfigs.</summary>
public enum ConfigSource : sbyte
{
    Unknown = 0,
    DynamicTopicConfig = 1,
    DynamicBrokerConfig = 2,
    DynamicDefaultBrokerConfig = 3,
    StaticBrokerConfig = 4,
    DefaultConfig = 5,
    DynamicBrokerLoggerConfig = 6,
    ClientMetricsConfig = 7,
    GroupConfig = 8,
}

public sealed record ConfigSynonym(string Name, string? Value, ConfigSource Source);

/// <summary>One config entry of a resource.</summary>
public sealed record ConfigEntry(string Name, string? Value, bool IsReadOnly, bool IsSensitive, ConfigSource Source, IReadOnlyList<ConfigSynonym> Synonyms)
{
    public bool IsDefault => Source == ConfigSource.DefaultConfig;

    public string? Documentation { get; init; }
}

/// <summary>The configs of one resource, or its error.</summary>
public sealed record ConfigResourceResult(ConfigResource Resource, IReadOnlyList<ConfigEntry> Entries, KafkaBrokerException? Error) : IAdminResult;

/// <summary>The outcome for one resource of an alter call.</summary>
public sealed record ResourceResult(ConfigResource Resource, KafkaBrokerException? Error) : IAdminResult;

/// <summary>Operations of IncrementalAlterConfigs, numbered as in the protocol.</summary>
public enum ConfigOperation : sbyte
{
    Set = 0,
    Delete = 1,
    Append = 2,
    Subtract = 3,
}

/// <summary>One change of an incremental alter: set, delete (back to the default), append to or subtract from a list.</summary>
public sealed record ConfigAlteration(string Name, ConfigOperation Operation, string? Value = null);

/// <summary>A group as ListGroups lists it.</summary>
public sealed record GroupListing(string GroupId, string ProtocolType, string? State, string? Type, int Coordinator);

/// <summary>A member of a classic group, with its subscription and assignment decoded when the group speaks the consumer protocol.</summary>
public sealed record GroupMemberDescription(
    string MemberId,
    string? GroupInstanceId,
    string ClientId,
    string ClientHost,
    IReadOnlyList<string> SubscribedTopics,
    IReadOnlyList<TopicPartition> Assignment)
{
    /// <summary>The raw member metadata and assignment, for protocols other than "consumer".</summary>
    public byte[] RawMetadata { get; init; } = [];

    public byte[] RawAssignment { get; init; } = [];
}

/// <summary>A classic group (DescribeGroups): state, protocol type and name (the assignor for consumers), members.</summary>
public sealed record GroupDescription(
    string GroupId,
    string State,
    string ProtocolType,
    string Protocol,
    IReadOnlyList<GroupMemberDescription> Members,
    int Coordinator,
    KafkaBrokerException? Error) : IAdminResult;

/// <summary>A member of a KIP-848 consumer group (ConsumerGroupDescribe).</summary>
public sealed record ConsumerGroupMember(
    string MemberId,
    string? InstanceId,
    string? RackId,
    int MemberEpoch,
    string ClientId,
    string ClientHost,
    IReadOnlyList<string> SubscribedTopicNames,
    string? SubscribedTopicRegex,
    IReadOnlyList<TopicPartition> Assignment,
    IReadOnlyList<TopicPartition> TargetAssignment);

/// <summary>A KIP-848 consumer group.</summary>
public sealed record ConsumerGroupDescription(
    string GroupId,
    string State,
    int GroupEpoch,
    int AssignmentEpoch,
    string AssignorName,
    IReadOnlyList<ConsumerGroupMember> Members,
    int Coordinator,
    KafkaBrokerException? Error) : IAdminResult;

/// <summary>The outcome for one group of a delete call.</summary>
public sealed record GroupResult(string GroupId, KafkaBrokerException? Error) : IAdminResult;

/// <summary>A committed offset (-1 when the group has none for the partition), its leader epoch and metadata.</summary>
public sealed record CommittedOffset(long Offset, int LeaderEpoch, string? Metadata, KafkaBrokerException? Error) : IAdminResult;

/// <summary>The outcome for one partition of an offset commit, offset delete or delete-records call.</summary>
public sealed record PartitionResult(TopicPartition Partition, KafkaBrokerException? Error) : IAdminResult
{
    /// <summary>For delete-records: the partition's new log start offset.</summary>
    public long LowWatermark { get; init; } = -1;
}
