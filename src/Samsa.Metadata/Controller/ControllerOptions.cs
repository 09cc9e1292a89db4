namespace Samsa.Metadata.Controller;

/// <summary>The broker settings the controller decides with, under Kafka's names.</summary>
public sealed record ControllerOptions
{
    public required int NodeId { get; init; }

    /// <summary><c>num.partitions</c>: used when CreateTopics asks for -1 partitions.</summary>
    public int DefaultNumPartitions { get; init; } = 1;

    /// <summary><c>default.replication.factor</c>: used when CreateTopics asks for replication factor -1.</summary>
    public short DefaultReplicationFactor { get; init; } = 1;

    /// <summary><c>delete.topic.enable</c>.</summary>
    public bool DeleteTopicEnable { get; init; } = true;

    /// <summary>Validates config changes; the broker supplies one that knows its own config table.</summary>
    public IConfigSchema ConfigSchema { get; init; } = DefaultConfigSchema.Instance;

    /// <summary>How many producer ids one AllocateProducerIds hands out (Kafka's block size).</summary>
    public int ProducerIdBlockSize { get; init; } = 1000;

    public TimeProvider Time { get; init; } = TimeProvider.System;
}
